package dev.lethe.torch.model;

import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code .lethe-model} bytes of every built-in family are pinned: the spec's text in the header and
 * DJL's parameter encoding of a seeded model. The digests were taken from the code before model
 * families became a registry (when {@code ModelSpec} held an {@code Architecture} enum); a change
 * here would break every stored model and every checkpoint digest derived from model bytes.
 */
class ModelFileCompatibilityTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "logreg;     64;      logreg|64|10;                35c7bea92f681b78e44868a20c6d15028eb48a5fc8a79f00ce73f9be6ac65155",
            "mlp:32;     64;      mlp:32|64|10;                b3a98c5b157951a1dc1d507fd50c039dbd8091c64f6abaf85034462e4600f874",
            "mlp;        64;      mlp:256,128|64|10;           71d7337dddd7c8afeadb1cd91ff34a91b236ffe2de383c79362de07f57091b91",
            "cnn:4,8,16; 1,28,28; cnn:4,8,16|1,28,28|10;       4464fb894eec5d38534ea3bdd3a58dee64e7b34ac52f30276336edd9db0e482a"})
    void aSeededModelOfEveryBuiltInFamilyHasTheSameFileBytesAsBefore(String text, String shape, String header, String sha256) {
        int[] inputShape = Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
        try (ModelHandle model = ModelHandle.create(ModelSpec.parse(text, inputShape, 10), 1)) {
            assertThat(ModelSpecCodec.encode(model.spec())).isEqualTo(header);
            assertThat(DigestUtils.sha256Hex(model.toBytes())).isEqualTo(sha256);
        }
    }
}
