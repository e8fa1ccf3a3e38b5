package io.fmq.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of the code base, checked on every build: the profile library stays free of
 * Netty and JavaFX (the Studio and the server share it); the JMX tools and the Studio never reach into
 * the server; the HA core is pure logic without Netty; the client library knows nothing of the server.
 * Rules for packages that do not exist yet still run, so the first violation fails the build.
 */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.fmq");
    }

    @Test
    void profileLibraryImportsNoNettyJavaFxOrServerCode() {
        noClasses().that().resideInAPackage("io.fmq.profile..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "javafx..", "io.fmq.server..",
                        "io.fmq.studio..", "io.fmq.jmx..", "org.slf4j..", "ch.qos.logback..")
                .check(classes);
    }

    @Test
    void storeIsAPlainLibrary() {
        noClasses().that().resideInAPackage("io.fmq.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.fmq.server..", "io.fmq.profile..",
                        "io.fmq.client..", "javafx..")
                .check(classes);
    }

    @Test
    void managementApiImportsNoServerCode() {
        noClasses().that().resideInAPackage("io.fmq.management..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fmq.server..", "io.fmq.profile..", "io.netty..")
                .check(classes);
    }

    @Test
    void jmxToolsImportNoServerCode() {
        noClasses().that().resideInAPackage("io.fmq.jmx..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fmq.server..", "io.netty..", "ch.qos.logback..")
                .check(classes);
    }

    @Test
    void studioImportsNoServerCode() {
        // the Studio reads and writes profiles through the profile library and talks to a running server
        // only over JMX (the management API's interfaces)
        noClasses().that().resideInAPackage("io.fmq.studio..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fmq.server..", "io.netty..", "io.fmq.store..",
                        "io.fmq.ha..", "io.fmq.protocol..", "io.fmq.client..", "io.fmq.jmx..")
                .check(classes);
    }

    @Test
    void studioViewModelsNeedNoScreen() {
        // MVVM: view models use JavaFX properties and collections only, never controls or windows,
        // so that they are unit-tested without a screen
        noClasses().that().resideInAPackage("io.fmq.studio.viewmodel..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..",
                        "javafx.application..", "io.fmq.studio.view")
                .check(classes);
    }

    @Test
    void haStateMachineIsPure() {
        // decisions only: no sockets, no files, no threads, no clocks of its own
        noClasses().that().resideInAPackage("io.fmq.ha.state..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.net..", "java.nio..", "java.io..",
                        "java.util.concurrent..", "io.fmq.ha.lock..", "io.fmq.ha.gateway..", "io.fmq.server..")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .check(classes);
    }

    @Test
    void haCoreImportsNoNettyAndNoServerCode() {
        noClasses().that().resideInAPackage("io.fmq.ha..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.fmq.server..", "io.fmq.store..",
                        "io.fmq.profile..", "javafx..")
                .check(classes);
    }

    @Test
    void clientLibraryImportsNoServerCode() {
        noClasses().that().resideInAPackage("io.fmq.client..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fmq.server..", "io.fmq.profile..", "io.fmq.store..",
                        "io.fmq.management..", "org.slf4j..")
                .check(classes);
    }

    @Test
    void protocolKnowsNothingAboveIt() {
        noClasses().that().resideInAPackage("io.fmq.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fmq.server..", "io.fmq.client..", "io.fmq.store..",
                        "io.fmq.profile..", "jakarta.jms..")
                .check(classes);
    }

    @Test
    void onlyTheServerUsesNetty() {
        noClasses().that().resideOutsideOfPackages("io.fmq.server..", "io.fmq.client..", "io.fmq.protocol..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(classes);
    }
}
