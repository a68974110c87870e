package dev.lethe.core.data.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a play's text written as in tiny-shakespeare into speaker turns: a line {@code NAME:} at the start
 * of the text or after a blank line opens a turn, and the lines after it up to the next blank line are what
 * the speaker says (a verse line that ends with a colon inside a turn, "Come:", stays part of it). Text
 * before the first speaker line, or after a blank line and before the next speaker line, belongs to no one
 * and is skipped.
 */
public final class SpeakerTurns {

    /** A speaker line: a name (anything without a colon, "Senators, &C" included), then a colon, alone on its line. */
    private static final Pattern SPEAKER = Pattern.compile("^(\\S[^:]*):\\s*$");

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
        boolean afterBlank = true;
        for (String line : play.split("\\r?\\n", -1)) {
            Matcher m = SPEAKER.matcher(line);
            boolean opensTurn = afterBlank && m.matches();
            if (line.isBlank() || opensTurn) {
                addTurn(turns, speaker, text);
                speaker = opensTurn ? m.group(1).trim() : null;
                text.setLength(0);
            } else if (speaker != null) {
                text.append(line).append('\n');
            }
            afterBlank = line.isBlank();
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
