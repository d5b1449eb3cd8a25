package io.tokenbroker.bootstrap.architecture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proof that the rules can fail: each is run on {@code io.tokenbroker.archfixture}, a deliberately broken set of
 * test classes with one violation per rule, and on a root that matches nothing.
 */
class ArchitectureRulesFailTest {

    private static final String BROKEN = "io.tokenbroker.archfixture";
    private static JavaClasses broken;

    @BeforeAll
    static void importBrokenClasses() {
        broken = new ClassFileImporter().importPackages(BROKEN);
    }

    @Test
    void aDomainClassUsingTheFrameworkBreaksTheDomainRule() {
        assertViolated(ArchitectureRules.domainDependsOnlyOnTheJdk(BROKEN), "FrameworkInTheDomain");
    }

    @Test
    void anApplicationClassUsingJdbcBreaksTheApplicationRules() {
        assertViolated(ArchitectureRules.applicationDependsOnlyOnDomainAndTheJdk(BROKEN), "JdbcInTheApplication");
        assertViolated(ArchitectureRules.coreUsesNoInfrastructure(BROKEN), "JdbcInTheApplication");
    }

    @Test
    void anAdapterUsingAnotherAdapterBreaksTheAdapterRule() {
        assertViolated(ArchitectureRules.adapterDoesNotSeeAdapter(BROKEN, "redis", "postgres"),
                "RedisAdapterUsingPostgres");
    }

    @Test
    void anAdapterUsingBootstrapBreaksTheBootstrapRule() {
        assertViolated(ArchitectureRules.onlyBootstrapSeesBootstrap(BROKEN), "HttpAdapterUsingBootstrap");
    }

    @Test
    void anInterfaceOutsideThePortsBreaksThePortRule() {
        assertViolated(ArchitectureRules.applicationInterfacesArePorts(BROKEN), "ServiceWithItsOwnInterface$Outcome");
        assertViolated(ArchitectureRules.applicationInterfacesArePorts(BROKEN), "StrayInterface");
    }

    @Test
    void anInPortUsingAnOutPortBreaksTheInPortRule() {
        assertViolated(ArchitectureRules.inPortsDoNotSeeOutPorts(BROKEN), "InPortUsingAnOutPort");
    }

    @Test
    void anAdapterUsingAServiceOrAnInMemoryAdapterBreaksThePortOnlyRule() {
        assertViolated(ArchitectureRules.adaptersUseOnlyPorts(BROKEN), "HttpAdapterUsingAService");
        assertViolated(ArchitectureRules.adaptersUseOnlyPorts(BROKEN), "PostgresAdapterUsingInMemory");
    }

    @Test
    void theWholeArchitectureRuleCatchesEveryWrongDirection() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> ArchitectureRules.hexagon(BROKEN).check(broken));
        assertTrue(failure.getMessage().contains("RedisAdapterUsingPostgres"), failure.getMessage());
        assertTrue(failure.getMessage().contains("HttpAdapterUsingBootstrap"), failure.getMessage());
        assertTrue(failure.getMessage().contains("DomainUsingTheApplication"), failure.getMessage());
    }

    @Test
    void aRuleWhosePackagesMatchNoClassFails() {
        String nowhere = "io.tokenbroker.no_such_root";
        for (ArchRule rule : new ArchRule[] {
            ArchitectureRules.domainDependsOnlyOnTheJdk(nowhere),
            ArchitectureRules.applicationDependsOnlyOnDomainAndTheJdk(nowhere),
            ArchitectureRules.coreUsesNoInfrastructure(nowhere),
            ArchitectureRules.adapterDoesNotSeeAdapter(nowhere, "redis", "postgres"),
            ArchitectureRules.onlyBootstrapSeesBootstrap(nowhere),
            ArchitectureRules.applicationInterfacesArePorts(nowhere),
            ArchitectureRules.inPortsDoNotSeeOutPorts(nowhere),
            ArchitectureRules.adaptersUseOnlyPorts(nowhere),
            ArchitectureRules.hexagon(nowhere)}) {
            assertThrows(AssertionError.class, () -> rule.check(broken), rule.getDescription());
        }
    }

    private static void assertViolated(ArchRule rule, String offender) {
        AssertionError failure = assertThrows(AssertionError.class, () -> rule.check(broken));
        assertTrue(failure.getMessage().contains(offender), failure.getMessage());
    }
}
