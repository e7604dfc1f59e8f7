import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.io.RDFTriple;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

/**
 * Opens RDF/OWL files with the OWL API, the library Protégé reads files with, and reports
 * what it could not take in: parse errors, triples it could not turn into axioms, and
 * violations of the OWL 2 DL profile. All files go into one manager, in the order given,
 * so a file that imports an ontology given before it sees that ontology's declarations.
 *
 * Output is one record per line, fields separated by tabs:
 *   LOADED  file  format  axioms  logical-axioms  unparsed-triples
 *   PARSE-ERROR  file  message
 *   UNPARSED  file  triple
 *   DL-VIOLATION  file  kind  message
 *   RESULT  OK | PROBLEMS n
 * The exit code is 0 when every file loads cleanly and is in OWL 2 DL, 1 otherwise.
 */
public final class OwlCheck {
    private OwlCheck() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: OwlCheck FILE [FILE...]");
            System.exit(2);
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntologyLoaderConfiguration conf = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setReportStackTraces(false);
        manager.setOntologyLoaderConfiguration(conf);
        int problems = 0;
        Map<String, OWLOntology> loaded = new LinkedHashMap<>();
        for (String name : args) {
            OWLOntology ontology;
            try {
                ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(new File(name)), conf);
            } catch (Exception e) {
                print("PARSE-ERROR", name, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
                problems++;
                continue;
            }
            loaded.put(name, ontology);
            OWLDocumentFormat format = manager.getOntologyFormat(ontology);
            List<RDFTriple> unparsed = new ArrayList<>();
            if (format instanceof RDFDocumentFormat && format.getOntologyLoaderMetaData().isPresent()) {
                RDFParserMetaData meta = (RDFParserMetaData) format.getOntologyLoaderMetaData().get();
                meta.getUnparsedTriples().forEach(unparsed::add);
            }
            for (RDFTriple triple : unparsed) {
                print("UNPARSED", name, triple.toString());
            }
            problems += unparsed.size();
            print("LOADED", name, format == null ? "?" : format.getKey(),
                Integer.toString(ontology.getAxiomCount()), Integer.toString(ontology.getLogicalAxiomCount()),
                Integer.toString(unparsed.size()));
        }
        for (Map.Entry<String, OWLOntology> entry : loaded.entrySet()) {
            OWLProfileReport report;
            try {
                report = new OWL2DLProfile().checkOntology(entry.getValue());
            } catch (RuntimeException e) {
                // the profile checker itself trips over some malformed axioms: that is a problem too
                print("DL-VIOLATION", entry.getKey(), "ProfileCheckFailed",
                    e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
                problems++;
                continue;
            }
            for (OWLProfileViolation v : report.getViolations()) {
                print("DL-VIOLATION", entry.getKey(), v.getClass().getSimpleName(), firstLine(v.toString()));
                problems++;
            }
        }
        print("RESULT", problems == 0 ? "OK" : "PROBLEMS " + problems);
        System.out.flush();
        System.exit(problems == 0 ? 0 : 1);
    }

    private static void print(String... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append('\t');
            }
            line.append(fields[i].replace('\t', ' ').replace('\n', ' ').replace('\r', ' '));
        }
        System.out.println(line);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
