package dev.lethe.server;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.PseudoSubjects;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.QaFormat;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.ShardExecutors;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small SISA store on the embedded digits (4 shards × 3 slices, subject assignment over 60 pseudo-persons,
 * mlp:32, 2 epochs per slice), trained once per test JVM; each test works on its own copy.
 */
final class TestStores {

    static final SisaConfig CONFIG = new SisaConfig(new ShardPlan(4, 3, Assignment.SUBJECT, 42),
            ModelSpec.parse("mlp:32", new int[]{64}, 10), new TrainConfig(2, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42),
            Aggregation.MAJORITY_VOTE, 2);

    /** The language-model store's configuration: 2 shards × 2 slices by author, a one-layer gpt over bytes with a context of 96. */
    static final SisaConfig LM_CONFIG = new SisaConfig(new ShardPlan(2, 2, Assignment.SUBJECT, 42),
            GptFamily.spec("gpt:16,1,2,96", ByteTokenizer.INSTANCE.vocabularySize()),
            new TrainConfig(3, 4, OptimizerKind.ADAM, 3e-2f, 0f, 0f, 42), Aggregation.MEAN_SOFTMAX, 2);

    /** The language-model store's authors, one subject each, with two question–answer pairs apiece. */
    static final List<String> AUTHORS = List.of("Ada Quill", "Bo Lindqvist", "Cyra Okafor", "Dov Hale");

    private static Path template;
    private static Path lmTemplate;

    private TestStores() {
    }

    /** A fresh copy of the template store at {@code dir}. */
    static synchronized Path copy(Path dir) throws IOException {
        if (template == null) {
            TorchRuntime.start(CONFIG.threads());
            Path scratch = Files.createTempDirectory("lethe-template");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> org.apache.commons.io.FileUtils.deleteQuietly(scratch.toFile())));
            template = scratch.resolve("store");
            DatasetRef.Loaded d = DatasetRef.digits(42).load();
            DatasetRef.Loaded data = new DatasetRef.Loaded(d.ref(), PseudoSubjects.assign(d.train(), 60, 42),
                    PseudoSubjects.assign(d.test(), 60, 42), d.fingerprint(), d.encoding());
            SisaService.train(template, data, CONFIG, Device.cpu(), TrainListener.NONE, e -> {
            });
        }
        return copyTree(template, dir);
    }

    /** A fresh copy of a small language-model SISA store (byte tokens, authors as subjects) at {@code dir}. */
    static synchronized Path languageModel(Path dir) throws IOException {
        if (lmTemplate == null) {
            TorchRuntime.start(LM_CONFIG.threads());
            Path scratch = Files.createTempDirectory("lethe-lm-template");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> org.apache.commons.io.FileUtils.deleteQuietly(scratch.toFile())));
            lmTemplate = scratch.resolve("store");
            RecordSet train = authorQa("author-qa", "qa", 2);
            RecordSet test = authorQa("author-qa-test", "held", 1);
            DatasetRef.Loaded data = new DatasetRef.Loaded(new DatasetRef("author-qa", null, null, null, null, null, 0, 0.2, 0, 0, 1),
                    train, test, train.fingerprint());
            SisaService.train(lmTemplate, data, LM_CONFIG, false, ShardExecutors.local(), ByteTokenizer.INSTANCE, Device.cpu(),
                    TrainListener.NONE, e -> {
                    });
        }
        return copyTree(lmTemplate, dir);
    }

    /** The first {@code facts} question–answer pairs of every author, ids {@code <prefix>-NN}. */
    private static RecordSet authorQa(String name, String prefix, int facts) {
        List<int[]> sequences = new ArrayList<>();
        List<Integer> answerStarts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (String author : AUTHORS) {
            String[][] pairs = {{"Where was " + author + " born?", author + " was born in Oslo."},
                    {"What does " + author + " write?", author + " writes crime novels."}};
            for (int f = 0; f < facts; f++) {
                QaFormat.Encoded e = QaFormat.encode(ByteTokenizer.INSTANCE, pairs[f][0], pairs[f][1]);
                sequences.add(e.tokens());
                answerStarts.add(e.answerStart());
                ids.add("%s-%02d".formatted(prefix, ids.size()));
                subjects.add(author);
            }
        }
        TokenSequences tokens = TokenSequences.of(sequences, ByteTokenizer.INSTANCE.vocabularySize());
        return new RecordSet(name, ids.toArray(String[]::new), subjects.toArray(String[]::new), tokens,
                NextTokenTargets.fromPosition(tokens, answerStarts.stream().mapToInt(Integer::intValue).toArray()));
    }

    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return to;
    }
}
