package io.tokenbroker.bootstrap.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules, parameterised by the root package so that the same rules can be shown to fail on a
 * deliberately broken set of classes. Every rule fails when its packages match no class (ArchUnit's default
 * {@code failOnEmptyShould}), so a renamed package cannot make a rule silently check nothing.
 */
final class ArchitectureRules {

    private static final String[] INFRASTRUCTURE = {"io.micronaut..", "jakarta..", "javax..", "io.lettuce..",
        "java.sql..", "io.netty..", "com.fasterxml.."};

    private ArchitectureRules() {
    }

    static ArchRule domainDependsOnlyOnTheJdk(String root) {
        return classes().that().resideInAPackage(root + ".domain..")
                .should().onlyDependOnClassesThat(resideInAnyPackage(root + ".domain..", "java..")
                        .and(not(resideInAnyPackage("java.sql.."))))
                .as("the domain depends on nothing but the JDK (JDBC excluded)");
    }

    static ArchRule applicationDependsOnlyOnDomainAndTheJdk(String root) {
        return classes().that().resideInAPackage(root + ".application..")
                .should().onlyDependOnClassesThat(
                        resideInAnyPackage(root + ".application..", root + ".domain..", "java..")
                                .and(not(resideInAnyPackage("java.sql.."))))
                .as("the application depends on the domain and the JDK only (JDBC excluded)");
    }

    static ArchRule coreUsesNoInfrastructure(String root) {
        return noClasses().that().resideInAnyPackage(root + ".domain..", root + ".application..")
                .should().dependOnClassesThat().resideInAnyPackage(INFRASTRUCTURE)
                .as("the core imports no framework, driver or container API");
    }

    static ArchRule adapterDoesNotSeeAdapter(String root, String from, String to) {
        return noClasses().that().resideInAPackage(root + ".adapters." + from + "..")
                .should().dependOnClassesThat().resideInAPackage(root + ".adapters." + to + "..")
                .as("the " + from + " adapter does not depend on the " + to + " adapter");
    }

    static ArchRule onlyBootstrapSeesBootstrap(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".bootstrap..")
                .and().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage(root + ".bootstrap..")
                .as("nothing but bootstrap depends on bootstrap");
    }

    /** The application's interfaces are its ports; a service or an in-memory adapter declares none of its own. */
    static ArchRule applicationInterfacesArePorts(String root) {
        return classes().that().resideInAPackage(root + ".application..").and().areInterfaces()
                .should().resideInAPackage(root + ".application.port..")
                .as("interfaces of the application live in its port packages");
    }

    /** What callers ask for is said in domain words, never in the driven side's types. */
    static ArchRule inPortsDoNotSeeOutPorts(String root) {
        return noClasses().that().resideInAPackage(root + ".application.port.in..")
                .should().dependOnClassesThat().resideInAPackage(root + ".application.port.out..")
                .as("in-ports do not depend on out-ports");
    }

    /** Adapters talk to the core through its ports, so a service or an in-memory adapter can be swapped freely. */
    static ArchRule adaptersUseOnlyPorts(String root) {
        return noClasses().that().resideInAPackage(root + ".adapters..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".application.service..",
                        root + ".application.inmemory..")
                .as("adapters do not depend on application services or in-memory adapters");
    }

    /** The whole picture: who may use whom. */
    static ArchRule hexagon(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInAnyPackage(root + "..")
                .layer("Domain").definedBy(root + ".domain..")
                .layer("Application").definedBy(root + ".application..")
                .layer("HttpAdapter").definedBy(root + ".adapters.http..")
                .layer("RedisAdapter").definedBy(root + ".adapters.redis..")
                .layer("PostgresAdapter").definedBy(root + ".adapters.postgres..")
                .layer("Bootstrap").definedBy(root + ".bootstrap..")
                .whereLayer("Bootstrap").mayNotBeAccessedByAnyLayer()
                .whereLayer("HttpAdapter").mayOnlyBeAccessedByLayers("Bootstrap")
                .whereLayer("RedisAdapter").mayOnlyBeAccessedByLayers("Bootstrap")
                .whereLayer("PostgresAdapter").mayOnlyBeAccessedByLayers("Bootstrap")
                .whereLayer("Application")
                .mayOnlyBeAccessedByLayers("HttpAdapter", "RedisAdapter", "PostgresAdapter", "Bootstrap")
                .whereLayer("Domain")
                .mayOnlyBeAccessedByLayers("Application", "HttpAdapter", "RedisAdapter", "PostgresAdapter",
                        "Bootstrap")
                .as("hexagon: bootstrap -> adapters -> application -> domain");
    }
}
