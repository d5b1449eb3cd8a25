package io.tokenbroker.bootstrap.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micronaut.context.ApplicationContext;
import io.tokenbroker.bootstrap.config.ShutdownConfiguration;
import io.tokenbroker.bootstrap.config.WebhookConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s read as a cluster would (fabric8's Kubernetes model): every manifest parses into its kind, the probes
 * name the broker's health paths on the port the broker listens on, and every environment variable is one the
 * broker reads. That those paths answer 200 on a running broker is {@link ContainerAndComposeTest}'s part.
 */
class KubernetesManifestsTest {

    private static final String BASE = "deploy/k8s/base";
    private static final String OVERLAY = "deploy/k8s/overlays/redis-cluster";
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

    private static final Map<String, HasMetadata> RESOURCES = new HashMap<>();
    private static BrokerSettings settings;

    @BeforeAll
    static void parseEveryManifest() {
        for (String file : DeployFiles.yamlFilesUnder("deploy/k8s")) {
            if (!file.endsWith("kustomization.yaml")) {
                RESOURCES.put(file, parse(file));
            }
        }
        settings = BrokerSettings.read();
    }

    private static HasMetadata parse(String file) {
        try (InputStream in = Files.newInputStream(DeployFiles.path(file))) {
            return KUBERNETES.unmarshal(in);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    private static <T extends HasMetadata> T resource(String file, Class<T> kind) {
        HasMetadata resource = RESOURCES.get(file);
        assertNotNull(resource, file + " not parsed");
        assertTrue(kind.isInstance(resource), file + " is a " + resource.getClass().getSimpleName());
        return kind.cast(resource);
    }

    private static Container broker() {
        List<Container> containers = resource(BASE + "/deployment.yaml", Deployment.class).getSpec().getTemplate()
                .getSpec().getContainers();
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    @Test
    void theKustomizationsListEveryManifestAndOnlyFeaturesAnOldKustomizeReads() {
        Map<String, Object> base = DeployFiles.yaml(BASE + "/kustomization.yaml");
        Set<String> listed = new TreeSet<>(((List<?>) base.get("resources")).stream().map(Object::toString).toList());
        Set<String> present = RESOURCES.keySet().stream().filter(file -> file.startsWith(BASE + "/"))
                .map(file -> file.substring(BASE.length() + 1)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(present, listed);
        Set<String> understood = Set.of("apiVersion", "kind", "commonLabels", "resources", "bases",
                "configMapGenerator", "patchesStrategicMerge");
        for (String file : List.of("deploy/k8s/kustomization.yaml", BASE + "/kustomization.yaml",
                OVERLAY + "/kustomization.yaml")) {
            Set<String> fields = DeployFiles.yaml(file).keySet();
            assertTrue(understood.containsAll(fields), file + " uses " + fields);
        }
        assertEquals(List.of("redis-cluster.yaml"), DeployFiles.yaml(OVERLAY + "/kustomization.yaml")
                .get("patchesStrategicMerge"));
    }

    @Test
    void probesNameTheBrokersHealthPathsOnItsPort() {
        Container broker = broker();
        assertEquals(1, broker.getPorts().size());
        assertEquals("http", broker.getPorts().get(0).getName());
        assertEquals(ContainerAndComposeTest.defaultPort(), broker.getPorts().get(0).getContainerPort());
        assertProbe(broker.getStartupProbe(), "/health/liveness");
        assertProbe(broker.getLivenessProbe(), "/health/liveness");
        assertProbe(broker.getReadinessProbe(), "/health/readiness");
        assertNotNull(broker.getLifecycle().getPreStop().getExec(), "preStop drains before SIGTERM");

        Service service = resource(BASE + "/service.yaml", Service.class);
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertEquals(podLabels(), service.getSpec().getSelector());
    }

    @Test
    void theGracePeriodOutlastsThePreStopSleepAndTheBrokersWholeShutdown() {
        Deployment deployment = resource(BASE + "/deployment.yaml", Deployment.class);
        List<String> preStop = broker().getLifecycle().getPreStop().getExec().getCommand();
        Matcher sleep = Pattern.compile("sleep (\\d+)").matcher(preStop.get(preStop.size() - 1));
        assertTrue(sleep.matches(), "preStop is a sleep: " + preStop);
        Duration stopping;
        try (ApplicationContext defaults = ApplicationContext.run()) {
            ShutdownConfiguration shutdown = defaults.getBean(ShutdownConfiguration.class);
            stopping = Duration.ofSeconds(Long.parseLong(sleep.group(1))).plus(shutdown.drain())
                    .plus(shutdown.inFlight()).plus(shutdown.flush())
                    .plus(defaults.getBean(WebhookConfiguration.class).shutdownGrace());
        }
        long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertTrue(grace > stopping.toSeconds(), "terminationGracePeriodSeconds " + grace + " <= " + stopping);
    }

    private static void assertProbe(Probe probe, String path) {
        assertNotNull(probe);
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("http", probe.getHttpGet().getPort().getStrVal());
        assertTrue(ContainerAndComposeTest.HEALTH_PATHS.contains(path), path);
    }

    private static Map<String, String> podLabels() {
        return resource(BASE + "/deployment.yaml", Deployment.class).getSpec().getTemplate().getMetadata()
                .getLabels();
    }

    @Test
    void thePodRunsAsNonRootOnAReadOnlyRootWithAWritableTmpAndBoundedResources() {
        PodSpec pod = resource(BASE + "/deployment.yaml", Deployment.class).getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(ContainerAndComposeTest.imageUser(), pod.getSecurityContext().getRunAsUser());
        Container broker = broker();
        assertTrue(broker.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(broker.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), broker.getSecurityContext().getCapabilities().getDrop());
        VolumeMount tmp = broker.getVolumeMounts().stream().filter(mount -> mount.getMountPath().equals("/tmp"))
                .findFirst().orElseThrow();
        assertNotNull(pod.getVolumes().stream().filter(volume -> volume.getName().equals(tmp.getName()))
                .findFirst().orElseThrow().getEmptyDir());
        assertNotNull(broker.getResources().getRequests().get("cpu"), "the autoscaler measures against it");
        assertNotNull(broker.getResources().getRequests().get("memory"));
        assertNotNull(broker.getResources().getLimits().get("memory"));
    }

    @Test
    void disruptionBudgetAutoscalerAndNetworkPolicySelectTheBrokersPods() {
        Map<String, String> labels = podLabels();
        assertEquals(labels, resource(BASE + "/poddisruptionbudget.yaml", PodDisruptionBudget.class).getSpec()
                .getSelector().getMatchLabels());
        HorizontalPodAutoscaler autoscaler = resource(BASE + "/horizontalpodautoscaler.yaml",
                HorizontalPodAutoscaler.class);
        assertEquals("autoscaling/v2", autoscaler.getApiVersion());
        assertEquals("Deployment", autoscaler.getSpec().getScaleTargetRef().getKind());
        assertEquals(resource(BASE + "/deployment.yaml", Deployment.class).getMetadata().getName(),
                autoscaler.getSpec().getScaleTargetRef().getName());
        assertTrue(autoscaler.getSpec().getMinReplicas() >= 2, "one instance left during a disruption");
        NetworkPolicy policy = resource(BASE + "/networkpolicy.yaml", NetworkPolicy.class);
        assertEquals(labels, policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals("http", policy.getSpec().getIngress().get(0).getPorts().get(0).getPort().getStrVal());
    }

    @Test
    void everyEnvironmentVariableIsOneTheBrokerReads() {
        Container broker = broker();
        Set<String> variables = new TreeSet<>(broker.getEnv().stream().map(EnvVar::getName).toList());
        variables.addAll(configMapVariables());
        Container patched = resource(OVERLAY + "/redis-cluster.yaml", Deployment.class).getSpec().getTemplate()
                .getSpec().getContainers().get(0);
        patched.getEnv().stream().filter(env -> env.getValue() != null).map(EnvVar::getName).forEach(variables::add);

        Map<String, String> read = new TreeMap<>();
        for (String variable : variables) {
            read.put(variable, settings.propertyOf(variable).orElse("(not read)"));
        }
        assertFalse(read.containsValue("(not read)"), read.toString());
        assertEquals("tokenbroker.encryption.keys", read.get("TOKENBROKER_ENCRYPTION_KEYS"));
        assertEquals("datasources.default.url", read.get("DATASOURCES_DEFAULT_URL"));
        assertEquals("redis.uri", read.get("REDIS_URI"));
        assertEquals("redis.uris", read.get("REDIS_URIS"));
        assertEquals("tokenbroker.bootstrap-admin-key", read.get("TOKENBROKER_BOOTSTRAP_ADMIN_KEY"));
    }

    @Test
    void secretsComeFromSecretReferencesNeverFromLiterals() {
        for (EnvVar env : broker().getEnv()) {
            boolean secret = env.getName().contains("PASSWORD") || env.getName().contains("KEY")
                    || env.getName().endsWith("_URL") && env.getName().startsWith("DATASOURCES");
            if (secret) {
                assertNotNull(env.getValueFrom().getSecretKeyRef(), env.getName() + " from a Secret");
            }
        }
        assertTrue(configMapVariables().stream().noneMatch(name -> name.contains("KEY") || name.contains("PASSWORD")));
    }

    @Test
    void theRedisClusterOverlayReplacesRedisUriWithSeedNodes() {
        List<EnvVar> env = resource(OVERLAY + "/redis-cluster.yaml", Deployment.class).getSpec().getTemplate()
                .getSpec().getContainers().get(0).getEnv();
        assertTrue(env.stream().anyMatch(var -> var.getName().equals("REDIS_URIS")
                && var.getValue().startsWith("redis://")));
        assertTrue(broker().getEnv().stream().anyMatch(var -> var.getName().equals("REDIS_URI")),
                "the base sets the variable the overlay deletes");
        assertTrue(DeployFiles.text(OVERLAY + "/redis-cluster.yaml").contains("- name: REDIS_URI\n"
                + "              $patch: delete"), "REDIS_URI removed: both set would wire two clients");
    }

    /** The names of the configMapGenerator literals, which reach the container through envFrom. */
    private static List<String> configMapVariables() {
        List<?> generators = (List<?>) DeployFiles.yaml(BASE + "/kustomization.yaml").get("configMapGenerator");
        String generated = ((Map<?, ?>) generators.get(0)).get("name").toString();
        assertEquals(generated, broker().getEnvFrom().get(0).getConfigMapRef().getName());
        return ((List<?>) ((Map<?, ?>) generators.get(0)).get("literals")).stream()
                .map(literal -> literal.toString().substring(0, literal.toString().indexOf('='))).toList();
    }
}
