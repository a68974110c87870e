package dev.lethe.server;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * HTTPS with Jetty's SSL support from the PEM files a certificate authority or {@code certbot} hands out: a
 * certificate chain and its private key (PKCS#8, {@code BEGIN PRIVATE KEY}; RSA or EC). The key is held in an
 * in-memory key store only.
 */
final class Tls {

    private Tls() {
    }

    /** An HTTPS connector on {@code host:port}, with {@code http}'s settings (limits, customizers). */
    static ServerConnector connector(Server server, HttpConfiguration http, String host, int port, Path cert, Path key) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore(cert, key));
        ssl.setKeyStorePassword("");
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // clients may connect by address; the certificate's names are the client's business
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    static KeyStore keyStore(Path cert, Path key) {
        try {
            Certificate[] chain;
            try (InputStream in = Files.newInputStream(cert)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
            }
            if (chain.length == 0) {
                throw new IllegalArgumentException("--tls-cert " + cert + " holds no certificate (expected PEM 'BEGIN CERTIFICATE')");
            }
            String pem = Files.readString(key, StandardCharsets.US_ASCII);
            if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
                throw new IllegalArgumentException("--tls-key " + key + " is not a PKCS#8 PEM key ('BEGIN PRIVATE KEY');"
                        + " convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem");
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            String algorithm = chain[0].getPublicKey().getAlgorithm();
            PrivateKey privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("lethe", privateKey, new char[0], chain);
            return store;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS files: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS certificate or key is not usable: " + e.getMessage(), e);
        }
    }
}
