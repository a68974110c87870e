package dev.lethe.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Lethe version this build carries, for manifests and reports. */
public final class LetheVersion {

    private static final String VERSION = read();

    private LetheVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = LetheVersion.class.getResourceAsStream("lethe-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
