package io.tokenbroker.bootstrap.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of deploy/Dockerfile and deploy/compose.yaml without a container engine: the jar the image
 * copies is the one the build produces, the port is the broker's default, the health paths answer 200 on a running
 * broker, and the compose services agree with each other (ports, the sandbox command, the secrets in the env file).
 */
@MicronautTest
class ContainerAndComposeTest {

    /** The probe paths every deployment file may name. */
    static final Set<String> HEALTH_PATHS = Set.of("/health/liveness", "/health/readiness");

    private static final String DOCKERFILE = "deploy/Dockerfile";
    private static final String COMPOSE = "deploy/compose.yaml";

    @Inject
    EmbeddedServer server;

    /** The port the broker listens on when TOKENBROKER_PORT is not set, from its application.yml. */
    static int defaultPort() {
        return Integer.parseInt(group("port: \\$\\{TOKENBROKER_PORT:(\\d+)}",
                DeployFiles.classpathText("application.yml")));
    }

    /** The numeric user the image runs as. */
    static long imageUser() {
        return Long.parseLong(group("(?m)^USER (\\d+)(?::\\d+)?$", DeployFiles.text(DOCKERFILE)));
    }

    private static String group(String regex, String text) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertTrue(matcher.find(), regex);
        return matcher.group(1);
    }

    @Test
    void theHealthPathsTheFilesNameAnswer200OnARunningBroker() throws Exception {
        Set<String> named = new TreeSet<>(HEALTH_PATHS);
        named.add(group("HEALTHCHECK[^\\n]*\\n[^\\n]*http://127\\.0\\.0\\.1:\\$\\{TOKENBROKER_PORT:-(?:\\d+)}(\\S+)\"",
                DeployFiles.text(DOCKERFILE)));
        HttpClient http = HttpClient.newHttpClient();
        for (String path : named) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(server.getURI().resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), path + ": " + answer.body());
        }
    }

    @Test
    void theImageCopiesTheJarTheBuildProducesRunsItAsNonRootAndExposesTheDefaultPort() {
        String dockerfile = DeployFiles.text(DOCKERFILE);
        String finalName = group("<finalName>([^<]+)</finalName>", DeployFiles.text("bootstrap/pom.xml"));
        String jar = group("(?m)^COPY --from=build /src/(\\S+) (\\S+)$", dockerfile);
        assertEquals("bootstrap/target/" + finalName + ".jar", jar);
        String installed = group("(?m)^COPY --from=build /src/\\S+ (\\S+)$", dockerfile);
        assertEquals("ENTRYPOINT [\"java\", \"-jar\", \"" + installed + "\"]",
                group("(?m)^(ENTRYPOINT .*)$", dockerfile));
        assertEquals(defaultPort(), Integer.parseInt(group("(?m)^EXPOSE (\\d+)$", dockerfile)));
        assertEquals(String.valueOf(defaultPort()), group("TOKENBROKER_PORT:-(\\d+)", dockerfile));
        assertNotEquals(0, imageUser(), "not root");
        assertTrue(dockerfile.contains("-XX:MaxRAMPercentage="), "heap sized from the container's limit");
        // The build stage copies the whole reactor, so a module added later is built too, and ignores none of it.
        assertTrue(dockerfile.contains("\nCOPY . .\n"), "the build stage copies the repository");
        Set<String> ignored = new TreeSet<>(DeployFiles.text("deploy/Dockerfile.dockerignore").lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList());
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(DeployFiles.text("pom.xml"));
        while (modules.find()) {
            assertFalse(ignored.contains(modules.group(1)), modules.group(1) + " is left out of the build context");
        }
        assertTrue(ignored.containsAll(Set.of("**/target", ".git")), "no build output or history in the image");
    }

    @Test
    void composeRunsTwoBrokersBehindTheLoadBalancerWithVariablesTheBrokerReads() {
        Map<String, Object> services = section(DeployFiles.yaml(COMPOSE), "services");
        BrokerSettings settings = BrokerSettings.read();
        for (String broker : List.of("broker-1", "broker-2")) {
            Map<String, Object> service = section(services, broker);
            assertEquals("tokenbroker:dev", service.get("image"));
            for (String variable : section(service, "environment").keySet()) {
                assertTrue(settings.propertyOf(variable).isPresent(), broker + ": " + variable + " is not read");
            }
            assertTrue(DeployFiles.text("deploy/nginx/nginx.conf").contains("server " + broker + ":"
                    + defaultPort() + " "), "nginx balances " + broker);
        }
        assertEquals("deploy/Dockerfile", section(section(services, "broker-1"), "build").get("dockerfile"));
    }

    @Test
    void theSandboxRunsAsItsOwnServiceAndTheInitStepRegistersTheDemoConnectionThroughIt() {
        Map<String, Object> services = section(DeployFiles.yaml(COMPOSE), "services");
        List<?> sandbox = (List<?>) section(services, "sandbox").get("command");
        // SandboxCommand: sandbox [port] [client-id] [client-secret] [lifetime-seconds] [delay-millis]
        assertEquals(6, sandbox.size());
        assertEquals("sandbox", sandbox.get(0));
        String port = sandbox.get(1).toString();
        Integer.parseInt(sandbox.get(4).toString());
        Integer.parseInt(sandbox.get(5).toString());
        List<?> gateway = (List<?>) section(services, "sandbox-gateway").get("command");
        assertEquals("TCP:127.0.0.1:" + port, gateway.get(1), "forwards to the sandbox's loopback port");
        String exposed = group("TCP-LISTEN:(\\d+),", gateway.get(0).toString());
        String init = ((List<?>) section(services, "init").get("command")).get(0).toString();
        assertTrue(init.contains("\\\"token_url\\\":\\\"http://sandbox:" + exposed + SandboxUpstream.TOKEN_PATH),
                init);
        assertTrue(init.contains("-X PUT http://lb:8080/v1/tenants/demo/connections/sandbox"), init);
        assertTrue(DeployFiles.text("deploy/nginx/nginx.conf").contains("listen 8080;"));
        assertTrue(init.contains("X-API-Key: $$TOKENBROKER_BOOTSTRAP_ADMIN_KEY"), "the admin key of the env file");
    }

    @Test
    void everySecretComposeNeedsIsInTheExampleEnvFileAndInWhatMakeEnvWrites() throws IOException {
        Set<String> required = new TreeSet<>();
        Matcher variable = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(DeployFiles.text(COMPOSE));
        while (variable.find()) {
            required.add(variable.group(1));
        }
        assertFalse(required.isEmpty());
        Set<String> example = assignedNames(DeployFiles.text("deploy/.env.example"));
        Set<String> written = assignedNames(DeployFiles.text("deploy/make-env.sh"));
        assertTrue(example.containsAll(required), "missing in .env.example: " + required);
        assertEquals(example, written);
        assertEquals(".env\n", DeployFiles.text("deploy/.gitignore"), "secrets never committed");
    }

    private static Set<String> assignedNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher assignment = Pattern.compile("(?m)^([A-Z][A-Z_]+)=").matcher(text);
        while (assignment.find()) {
            names.add(assignment.group(1));
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> parent, String key) {
        Object child = parent.get(key);
        assertTrue(child instanceof Map, key + " in " + parent.keySet());
        return (Map<String, Object>) child;
    }
}
