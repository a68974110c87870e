package dev.lethe.torch.sisa;

/**
 * A forget request names a record id that this store neither holds nor has forgotten: a user error (a typo, or
 * another store's id), refused before the request is recorded — CLI exit 2, HTTP 422. The message names the
 * value's position (never the value: it may be personal data) and shows the id format of this store.
 */
public final class UnknownRecordException extends IllegalArgumentException {

    private final int position;

    UnknownRecordException(int position, String example) {
        super("values[" + position + "] names no record of this store (none held, none forgotten); record ids here look like '"
                + example + "'");
        this.position = position;
    }

    /** The position of the unknown id among the request's values. */
    public int position() {
        return position;
    }
}
