package dev.lethe.cli.lm;

import ai.djl.Device;
import dev.lethe.cli.ExitCodes;
import dev.lethe.cli.Output;
import dev.lethe.cli.RunOptions;
import dev.lethe.core.text.QaFormat;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.lm.Generator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.StoredModel;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.ShardWeighting;
import dev.lethe.torch.sisa.SisaService;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe lm generate}: the text the store's current language model continues a prompt or answers a question with. */
@Command(name = "generate", footer = {"%nExample:", "  lethe lm generate --store lm-store --question \"Where was Basil Mahfouz Al-Kuwaiti born?\""}, mixinStandardHelpOptions = true,
        description = "Generate text with the store's current language model (or a SISA store's ensemble, the mean of its shards'"
                + " next-token distributions or their posterior mixture, see --shard-weighting): continue --prompt, or answer --question in the training's question-answer format"
                + " (stopping at the end of the answer).")
public final class LmGenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "A store made by 'lethe lm train', or a SISA store trained on token data.")
    Path store;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--max-tokens", defaultValue = "256",
            description = "The most tokens to generate (also bounded by the model's context). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0",
            description = "0 picks the most likely token (greedy); above 0 draws from the softmax at this temperature. Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Draw only among the k most likely tokens (0 = all). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Mixin
    ShardWeightingOption shardWeighting;

    @Mixin
    RunOptions run;

    /** What to generate from: raw text to continue, or a question to answer. */
    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Text to continue as it is.")
        String prompt;

        @Option(names = "--question", paramLabel = "TEXT", description = "A question, asked as in training (Question: ... Answer: ).")
        String question;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LmStore lm = LmStore.openSingleOrSisa(store);
        ShardWeighting weighting = shardWeighting.resolve(lm, store);
        boolean answering = input.question != null;
        int[] prompt = lm.tokenizer().encode(answering ? QaFormat.prompt(input.question) : input.prompt);
        int stop = answering ? endOfAnswer(lm) : -1;
        GenerationConfig config = new GenerationConfig(maxTokens, temperature, topK, run.seed, stop, true);
        Device device = run.startEngine();
        int[] generated;
        if (lm.manifest().usesSisa()) {
            // the ensemble decodes from its shards' next-token distributions, mixed as --shard-weighting says, a KV cache per shard
            try (SisaEnsemble ensemble = SisaService.loadEnsemble(lm.store(), device)) {
                generated = ensemble.asLanguageModel(weighting).generate(prompt, config);
            }
        } else {
            try (ModelHandle model = StoredModel.loadCurrent(lm.store(), device)) {
                generated = Generator.generate(model, prompt, config);
            }
        }
        String text = lm.tokenizer().decode(generated);
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("text", text);
            doc.put("tokens", generated.length);
            doc.put("promptTokens", prompt.length);
            doc.put("modelVersion", lm.manifest().currentVersion());
            Output.json(out, doc);
        } else {
            out.println(text);
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** The token that ends an answer in training ({@link QaFormat#END_OF_ANSWER}). */
    private static int endOfAnswer(LmStore lm) {
        int[] end = lm.tokenizer().encode(QaFormat.END_OF_ANSWER);
        if (end.length != 1) {
            throw new IllegalStateException("tokenizer " + lm.tokenizer().name() + " encodes the end of an answer as " + end.length
                    + " tokens, not one: answering stops at a single token");
        }
        return end[0];
    }
}
