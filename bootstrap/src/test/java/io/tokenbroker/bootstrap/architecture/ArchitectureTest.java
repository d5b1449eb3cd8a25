package io.tokenbroker.bootstrap.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency rules, on the production classes of every module. */
class ArchitectureTest {

    private static final String ROOT = "io.tokenbroker";
    private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!/.*");
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        // Jars stay in: from `package` on, Maven hands the other modules over as jars, not class folders. Except
        // the application's test-jar (contract tests, TestClock), which end-to-end tests use: it is test code, in a
        // jar ArchUnit's own option does not recognise.
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.matches(TEST_JAR))
                .importPackages(ROOT);
    }

    @Test
    void domainDependsOnlyOnTheJdk() {
        ArchitectureRules.domainDependsOnlyOnTheJdk(ROOT).check(production);
    }

    @Test
    void applicationDependsOnlyOnDomainAndTheJdk() {
        ArchitectureRules.applicationDependsOnlyOnDomainAndTheJdk(ROOT).check(production);
    }

    @Test
    void coreUsesNoInfrastructure() {
        ArchitectureRules.coreUsesNoInfrastructure(ROOT).check(production);
    }

    @Test
    void redisAdapterDoesNotSeeOtherAdapters() {
        ArchitectureRules.adapterDoesNotSeeAdapter(ROOT, "redis", "postgres").check(production);
        ArchitectureRules.adapterDoesNotSeeAdapter(ROOT, "redis", "http").check(production);
    }

    @Test
    void postgresAdapterDoesNotSeeOtherAdapters() {
        ArchitectureRules.adapterDoesNotSeeAdapter(ROOT, "postgres", "redis").check(production);
        ArchitectureRules.adapterDoesNotSeeAdapter(ROOT, "postgres", "http").check(production);
    }

    @Test
    void httpAdapterDoesNotSeeOtherAdapters() {
        ArchitectureRules.adapterDoesNotSeeAdapter(ROOT, "http", "redis").check(production);
        ArchitectureRules.adapterDoesNotSeeAdapter(ROOT, "http", "postgres").check(production);
    }

    @Test
    void onlyBootstrapSeesBootstrap() {
        ArchitectureRules.onlyBootstrapSeesBootstrap(ROOT).check(production);
    }

    @Test
    void applicationInterfacesArePorts() {
        ArchitectureRules.applicationInterfacesArePorts(ROOT).check(production);
    }

    @Test
    void inPortsDoNotSeeOutPorts() {
        ArchitectureRules.inPortsDoNotSeeOutPorts(ROOT).check(production);
    }

    @Test
    void adaptersUseOnlyPorts() {
        ArchitectureRules.adaptersUseOnlyPorts(ROOT).check(production);
    }

    @Test
    void theWholeHexagonHolds() {
        ArchitectureRules.hexagon(ROOT).check(production);
    }
}
