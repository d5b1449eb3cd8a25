package io.tokenbroker.bootstrap.deploy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.naming.NameUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * What the broker reads, for checking the environment variables of deployment files: the keys of its
 * {@code application.yml}, the components of its {@code @ConfigurationProperties} records, the {@code @Value}
 * placeholders of its beans, and the few properties of Micronaut's own modules the documentation tells operators
 * to set. An environment variable is mapped to a property name the way Micronaut maps it, by Micronaut itself.
 */
final class BrokerSettings {

    /**
     * Properties read by Micronaut's modules, not by a class of ours: Redis (micronaut-redis-lettuce), the datasource
     * (micronaut-jdbc-hikari; README, "PostgreSQL") and the caller-address header behind a proxy (Micronaut's HTTP
     * server; ClientAddress in adapters-http relies on it).
     */
    private static final Set<String> MICRONAUT_PROPERTIES = Set.of("redis.uri", "redis.uris",
            "datasources.default.url", "datasources.default.username", "datasources.default.password",
            "datasources.default.connection-timeout", "micronaut.server.client-address-header");

    /** Read by the JVM's launcher and by logback.xml, not through Micronaut. */
    private static final Set<String> PROCESS_VARIABLES = Set.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "LOG_FORMAT");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::[^}]*)?}");
    private static final String BOOTSTRAP_CLASSES = "io/tokenbroker/bootstrap";

    private final Set<String> properties;

    private BrokerSettings(Set<String> properties) {
        this.properties = properties;
    }

    static BrokerSettings read() {
        Set<String> names = new TreeSet<>(MICRONAUT_PROPERTIES);
        flatten("", new Yaml().load(DeployFiles.classpathText("application.yml")), names);
        for (Class<?> type : bootstrapClasses()) {
            names.addAll(configurationProperties(type));
            names.addAll(valuePlaceholders(type));
        }
        return new BrokerSettings(names);
    }

    /** Every property name the broker reads (wildcard-free; nested lists count as their parent key). */
    Set<String> properties() {
        return properties;
    }

    /**
     * The property an environment variable sets, if the broker reads it: Micronaut's environment-variable convention
     * decides ({@code TOKENBROKER_ENCRYPTION_KEYS} → {@code tokenbroker.encryption.keys}). Variables the JVM or
     * logback read come back as themselves; {@code TOKENBROKER_PORT} as the placeholder in application.yml.
     */
    Optional<String> propertyOf(String variable) {
        if (PROCESS_VARIABLES.contains(variable)) {
            return Optional.of(variable);
        }
        if (DeployFiles.classpathText("application.yml").contains("${" + variable + ":")) {
            return Optional.of("${" + variable + "}");
        }
        String marker = "marker-" + variable;
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .propertySources(PropertySource.of("deployment", Map.of(variable, marker),
                        PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE)).build()) {
            Environment environment = context.getEnvironment().start();
            return properties.stream()
                    .filter(name -> environment.getProperty(name, String.class).filter(marker::equals).isPresent())
                    .findFirst();
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key, value,
                    names));
        } else {
            names.add(prefix);
        }
    }

    private static Set<String> configurationProperties(Class<?> type) {
        ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
        Set<String> names = new TreeSet<>();
        if (annotation != null && type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                names.add(annotation.value() + "." + NameUtils.hyphenate(component.getName()));
            }
        }
        return names;
    }

    private static Set<String> valuePlaceholders(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            for (Parameter parameter : constructor.getParameters()) {
                Value value = parameter.getAnnotation(Value.class);
                if (value != null) {
                    Matcher placeholder = PLACEHOLDER.matcher(value.value());
                    while (placeholder.find()) {
                        names.add(placeholder.group(1));
                    }
                }
            }
        }
        return names;
    }

    /** The compiled main classes of bootstrap (a directory while Maven runs the tests). */
    private static Set<Class<?>> bootstrapClasses() {
        Path root;
        try {
            root = Path.of(BrokerSettings.class.getClassLoader().getResource(BOOTSTRAP_CLASSES + "/Application.class")
                    .toURI()).getParent();
        } catch (URISyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        Path classes = root.getParent().getParent().getParent();
        try (Stream<Path> files = Files.walk(root)) {
            Set<Class<?>> types = new LinkedHashSet<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                types.add(Class.forName(name, false, BrokerSettings.class.getClassLoader()));
            }
            return types;
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (ClassNotFoundException failed) {
            throw new IllegalStateException(failed);
        }
    }
}
