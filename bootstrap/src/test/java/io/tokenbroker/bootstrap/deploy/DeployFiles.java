package io.tokenbroker.bootstrap.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/** The repository's {@code deploy/} directory, read as text or YAML, from the test's working directory. */
final class DeployFiles {

    private DeployFiles() {
    }

    /** The repository root: Maven runs the tests in {@code bootstrap/}, an IDE may run them at the root. */
    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve("deploy")) && Files.isRegularFile(candidate.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no deploy/ directory above " + here);
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String text(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** One YAML document as maps and lists. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String relative) {
        return (Map<String, Object>) new Yaml().load(text(relative));
    }

    /** Every {@code .yaml} file under a directory of deploy/, sorted, relative to the root. */
    static List<String> yamlFilesUnder(String relative) {
        try (Stream<Path> files = Files.walk(path(relative))) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted()
                    .map(file -> root().relativize(file).toString()).toList();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    static String classpathText(String resource) {
        try (InputStream in = DeployFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }
}
