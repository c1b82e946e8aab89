package io.github.idempotency.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM, {@code bom/pom.xml}, lists every published artifact of the project (the modules with
 * {@code src/main/javadoc/overview.html}, and the test-jar of core with the store contract suite for
 * store authors) at the project's version, and nothing else: no parent, whose third-party
 * dependencyManagement an importing application would get too.
 */
class BomTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void listsEveryPublishedArtifactAtTheProjectVersion() throws Exception {
        Element root = pom(ROOT);
        Element bom = pom(ROOT.resolve("bom"));
        List<String> published = new ArrayList<>();
        for (Element module : children(child(root, "modules"), "module")) {
            Path directory = ROOT.resolve(module.getTextContent().trim());
            if (Files.exists(directory.resolve("src/main/javadoc/overview.html"))) {
                published.add(text(pom(directory), "artifactId"));
            }
        }
        published.add("idempotency-core:test-jar");
        List<String> listed = new ArrayList<>();
        for (Element dependency : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            assertThat(text(dependency, "groupId")).isEqualTo("io.github.idempotency");
            assertThat(text(dependency, "version")).isEqualTo("${project.version}");
            String type = text(dependency, "type");
            listed.add(text(dependency, "artifactId") + (type == null ? "" : ":" + type));
        }

        assertThat(listed).containsExactlyInAnyOrderElementsOf(published);
        assertThat(text(bom, "version")).isEqualTo(text(root, "version"));
        assertThat(child(bom, "parent")).as("the BOM's parent").isNull();
    }

    private static Element pom(Path directory) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(directory.resolve("pom.xml").toFile()).getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }
}
