package dev.lethe.core.data.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a play's text written as in tiny-shakespeare into speaker turns: a line {@code NAME:} opens a
 * turn, the lines after it up to the next blank line are what the speaker says. Text before the first
 * speaker line, or after a blank line and before the next speaker line, belongs to no one and is skipped.
 */
public final class SpeakerTurns {

    /** A speaker line: a name of letters, spaces, apostrophes, dots and hyphens, then a colon, alone on its line. */
    private static final Pattern SPEAKER = Pattern.compile("^([\\p{L}][\\p{L} .'\\-]*):\\s*$");

    /**
     * One turn.
     *
     * @param speaker the name as written ("First Citizen")
     * @param text the lines spoken, joined with newlines, ending with a newline
     */
    public record Turn(String speaker, String text) {
    }

    private SpeakerTurns() {
    }

    /** The turns of {@code play}, in order; a speaker line with nothing after it makes no turn. */
    public static List<Turn> parse(String play) {
        List<Turn> turns = new ArrayList<>();
        String speaker = null;
        StringBuilder text = new StringBuilder();
        for (String line : play.split("\\r?\\n", -1)) {
            var m = SPEAKER.matcher(line);
            if (line.isBlank() || m.matches()) {
                addTurn(turns, speaker, text);
                speaker = m.matches() ? m.group(1).trim() : null;
                text.setLength(0);
            } else if (speaker != null) {
                text.append(line).append('\n');
            }
        }
        addTurn(turns, speaker, text);
        return turns;
    }

    private static void addTurn(List<Turn> turns, String speaker, StringBuilder text) {
        if (speaker != null && !text.isEmpty()) {
            turns.add(new Turn(speaker, text.toString()));
        }
    }
}
