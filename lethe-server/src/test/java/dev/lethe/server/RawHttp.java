package dev.lethe.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** HTTP/1.1 over a plain socket, for what an HTTP client library will not send: chunked floods, slow bodies. */
final class RawHttp {

    private RawHttp() {
    }

    /** A socket to the server, optionally from another loopback address (another "client"). */
    static Socket connect(int port, String fromAddress) throws IOException {
        Socket s = new Socket();
        if (fromAddress != null) {
            s.bind(new InetSocketAddress(fromAddress, 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(60_000);
        return s;
    }

    /** The status code and body of one answer read from {@code in} (up to 64 KiB, until the connection closes or the body ends). */
    record Answer(int status, String text) {
    }

    static Answer readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; out.size() < 65_536 && (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
            String text = out.toString(StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd > 0 && text.contains("}")) {
                break;
            }
        }
        String text = out.toString(StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP answer: " + text);
        }
        return new Answer(Integer.parseInt(text.substring(9, 12)), text);
    }

    /**
     * Sends {@code total} bytes of {@code filler} as a chunked body after {@code head} (request line and headers,
     * ending in a blank line), on a thread, until done or the server closes; the bytes sent so far are in
     * {@code sent}.
     */
    static Thread floodChunked(Socket s, String head, String prefix, byte filler, long total, AtomicLong sent) {
        Thread t = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                chunk(out, prefix.getBytes(StandardCharsets.UTF_8));
                byte[] data = new byte[65_536];
                java.util.Arrays.fill(data, filler);
                while (sent.get() < total) {
                    chunk(out, data);
                    sent.addAndGet(data.length);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the server closed the connection: what a refused flood should see
            }
        }, "chunked-flood");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
}
