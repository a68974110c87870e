package dev.lethe.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code lethe serve} child process (a real second JVM) and the port it announced. */
record ServeChild(Process process, int port, StringBuffer output) {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/v1");

    static ServeChild serve(Path store, List<String> jvmOptions) throws Exception {
        return serve(store, jvmOptions, List.of());
    }

    /** A server with {@code options} added to its command line ({@code --engine spark}, ...). */
    static ServeChild serve(Path store, List<String> jvmOptions, List<String> options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--store", store.toString(), "--port", "0", "--batch-window-ms", "1500"));
        args.addAll(options);
        Process p = new ProcessBuilder(ChildJvm.command(jvmOptions, args)).redirectErrorStream(true).start();
        StringBuffer output = new StringBuffer();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new AssertionError("the server exited before listening:\n" + output));
        });
        reader.setDaemon(true);
        reader.start();
        return new ServeChild(p, port.get(120, TimeUnit.SECONDS), output);
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    int awaitExit() throws Exception {
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("server exited:\n" + output).isTrue();
        return process.exitValue();
    }
}
