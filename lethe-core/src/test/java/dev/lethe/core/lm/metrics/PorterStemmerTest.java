package dev.lethe.core.lm.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Words whose NLTK_EXTENSIONS stems are documented in nltk/stem/porter.py or differ from Porter's original. */
class PorterStemmerTest {

    @ParameterizedTest
    @CsvSource({
            "caresses, caress", "ponies, poni", "ties, tie", "cats, cat", "feed, feed", "agreed, agre",
            "plastered, plaster", "motoring, motor", "hopping, hop", "falling, fall", "filing, file",
            "happy, happi", "enjoy, enjoy", "relational, relat", "conditional, condit", "dying, die", "skies, sky",
            "news, news", "spied, spi", "died, die", "flies, fli", "generalization, gener", "controll, control",
            "is, is", "possibly, possibl", "running, run", "proceed, proceed"
    })
    void stemsAsNltkDoes(String word, String stem) {
        assertThat(PorterStemmer.stem(word)).isEqualTo(stem);
    }
}
