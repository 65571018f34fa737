/*
 * ProfileCheck: is an ontology document OWL 2 DL, and consistent?
 *
 *   javac -cp HermiT.jar -d CLASSES tests/owl/ProfileCheck.java
 *   java -cp CLASSES:HermiT.jar ProfileCheck FILE...
 *
 * HermiT.jar is the one the PyPI package owlready2 ships (owlready2/hermit/HermiT.jar): HermiT 1.3.8, an
 * OWL 2 DL reasoner, with the OWL API 3.4.3 it is built on. tests/test_owl.py compiles and runs this file.
 *
 * Each FILE (Turtle, or any syntax the OWL API reads) is loaded into a manager of its own and checked for:
 *
 *   1. triples the OWL API could not map to an axiom, declaration or annotation: it drops them, so what the
 *      file says is not what an OWL tool reads (but for one kind that OWL 2 DL allows and only the OWL API 3
 *      cannot read, an annotation whose value is a blank node, which the clean file's line names);
 *   2. every violation of the OWL 2 DL profile that the OWL API's OWL2DLProfile reports (undeclared or
 *      illegally punned entities, reserved vocabulary, non-simple properties where simple ones are needed...);
 *   3. datatypes outside the OWL 2 datatype map (OWL2DLProfile lets xsd:gYear, say, pass);
 *   4. with HermiT: that the ontology is consistent and has no unsatisfiable named class, and that HermiT
 *      can reason over it at all (it refuses a datatype outside the datatype map).
 *
 * Every problem is one line, "FILE:LINE: what is wrong", LINE being where the statement at fault is written
 * (left out when the file does not show it); a clean file gets one line "FILE: OWL 2 DL, consistent (...)",
 * which also names any annotation whose value is a blank node: OWL 2 DL allows those, the OWL API 3 drops them.
 * Exit status: 0 if every file is clean, 1 if any has a problem, 2 on wrong usage.
 */

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.OWLParser;
import org.semanticweb.owlapi.io.OWLParserException;
import org.semanticweb.owlapi.io.RDFNode;
import org.semanticweb.owlapi.io.RDFOntologyFormat;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.io.RDFResource;
import org.semanticweb.owlapi.io.RDFTriple;
import org.semanticweb.owlapi.io.UnparsableOntologyException;
import org.semanticweb.owlapi.model.AxiomType;
import org.semanticweb.owlapi.model.OWLAnonymousIndividual;
import org.semanticweb.owlapi.model.OWLDataFactory;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLAnnotationAssertionAxiom;
import org.semanticweb.owlapi.model.OWLAnnotationPropertyDomainAxiom;
import org.semanticweb.owlapi.model.OWLAnnotationPropertyRangeAxiom;
import org.semanticweb.owlapi.model.OWLAxiom;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLClassAssertionAxiom;
import org.semanticweb.owlapi.model.OWLDatatype;
import org.semanticweb.owlapi.model.OWLDatatypeDefinitionAxiom;
import org.semanticweb.owlapi.model.OWLDeclarationAxiom;
import org.semanticweb.owlapi.model.OWLEntity;
import org.semanticweb.owlapi.model.OWLObject;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyFormat;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.OWLPropertyAssertionAxiom;
import org.semanticweb.owlapi.model.OWLSubAnnotationPropertyOfAxiom;
import org.semanticweb.owlapi.model.OWLSubClassOfAxiom;
import org.semanticweb.owlapi.model.OWLSubPropertyAxiom;
import org.semanticweb.owlapi.model.OWLUnaryPropertyAxiom;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.vocab.OWL2Datatype;
import org.semanticweb.owlapi.vocab.PrefixOWLOntologyFormat;

public final class ProfileCheck {

    private ProfileCheck() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: java -cp CLASSES:HermiT.jar ProfileCheck FILE...");
            System.exit(2);
        }
        // UTF-8 whatever the locale (CI runs with none): the messages quote the file's text.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        boolean clean = true;
        for (String arg : args) {
            clean &= check(new File(arg), arg);
        }
        System.out.flush();
        System.exit(clean ? 0 : 1);
    }

    /** Checks one file, printing its problems or that it is clean; true if clean. */
    static boolean check(File file, String name) {
        Source source;
        try {
            source = new Source(name, Files.readAllLines(file.toPath(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            System.out.println(name + ": cannot be read: " + e);
            return false;
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(file);
        } catch (OWLOntologyCreationException e) {
            String why = loadError(e);
            Matcher at = Pattern.compile("at line (\\d+)").matcher(why);
            System.out.println(name + (at.find() ? ":" + at.group(1) : "") + ": the OWL API cannot load it as an"
                               + " ontology: " + why);
            return false;
        }
        OWLOntologyFormat format = manager.getOntologyFormat(ontology);
        if (format instanceof PrefixOWLOntologyFormat) {
            source.prefixes.putAll(((PrefixOWLOntologyFormat) format).getPrefixName2PrefixMap());
        }
        List<Problem> problems = new ArrayList<>();

        // 1. Triples that became no axiom or annotation. One kind is OWL 2 DL all the same, and only the OWL
        // API 3 drops it: an annotation whose value is an anonymous individual (an AnnotationValue may be one,
        // OWL 2 Structural Specification section 10). It is not a problem when the property is declared an
        // annotation property only and the node is an individual the OWL API did read (it has a type or an
        // annotation of its own); it is named in the clean file's line.
        List<Problem> dropped = new ArrayList<>();
        if (format instanceof RDFOntologyFormat) {
            RDFParserMetaData meta = ((RDFOntologyFormat) format).getOntologyLoaderMetaData();
            Set<String> anonymous = new LinkedHashSet<>();
            for (OWLAnonymousIndividual i : ontology.getReferencedAnonymousIndividuals()) {
                anonymous.add(i.getID().toString());
            }
            OWLDataFactory factory = manager.getOWLDataFactory();
            for (RDFTriple t : meta.getUnparsedTriples()) {
                IRI predicate = t.getPredicate().getResource();
                List<IRI> others = new ArrayList<>();
                others.add(predicate);
                if (t.getObject() instanceof RDFResource o && !o.isAnonymous()) {
                    others.add(o.getResource());
                }
                IRI subject = t.getSubject().isAnonymous() ? null : t.getSubject().getResource();
                int line = source.line(subject, others);
                String triple = source.shorten(node(t.getSubject()) + " " + node(t.getPredicate()) + " "
                                               + node(t.getObject()));
                boolean annotationOnly = ontology.isDeclared(factory.getOWLAnnotationProperty(predicate))
                        && !ontology.containsObjectPropertyInSignature(predicate)
                        && !ontology.containsDataPropertyInSignature(predicate);
                if (annotationOnly && t.getObject() instanceof RDFResource o && o.isAnonymous()
                    && anonymous.contains("_:" + o.getResource())) {
                    dropped.add(new Problem(line, triple));
                    continue;
                }
                problems.add(new Problem(line,
                        "the OWL API drops this triple, which it maps to no axiom, declaration or annotation: "
                        + triple + " (is its property declared, as the kind its value needs, before this use?)"));
            }
        }

        // 2. The OWL 2 DL profile.
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation v : report.getViolations()) {
            OWLAxiom axiom = v.getAxiom();
            problems.add(new Problem(source.line(axiom),
                    "not OWL 2 DL (" + v.getClass().getSimpleName() + "): " + source.shorten(describe(v))));
        }

        // 3. Datatypes outside the OWL 2 datatype map.
        Set<OWLDatatype> defined = new LinkedHashSet<>();
        for (OWLDatatypeDefinitionAxiom d : ontology.getAxioms(AxiomType.DATATYPE_DEFINITION)) {
            defined.add(d.getDatatype());
        }
        for (OWLDatatype datatype : ontology.getDatatypesInSignature()) {
            IRI iri = datatype.getIRI();
            if (OWL2Datatype.isBuiltIn(iri) || (defined.contains(datatype) && !reserved(iri))) {
                continue;
            }
            String why = reserved(iri)
                    ? " is not in the OWL 2 datatype map (https://www.w3.org/TR/owl2-syntax/#Datatype_Maps): "
                      + "OWL 2 DL has no such datatype; use one of the map, e.g. xsd:integer or xsd:string"
                    : " has no definition (DatatypeDefinition) and is not in the OWL 2 datatype map";
            for (OWLAxiom axiom : sorted(ontology.getReferencingAxioms(datatype))) {
                if (axiom instanceof OWLDeclarationAxiom) {
                    continue;
                }
                problems.add(new Problem(source.line(axiom), "the datatype " + source.shorten("<" + iri + ">") + why
                        + ", in " + source.shorten(axiom.toString())));
            }
        }

        // 4. HermiT.
        try {
            Reasoner reasoner = new Reasoner(ontology);
            try {
                if (!reasoner.isConsistent()) {
                    problems.add(new Problem(0, "inconsistent: HermiT finds no model of the ontology (no way the"
                            + " world could be that makes every axiom true)"));
                } else {
                    for (OWLClass c : reasoner.getUnsatisfiableClasses().getEntitiesMinusBottom()) {
                        problems.add(new Problem(source.line(c.getIRI(), List.of()), "the class "
                                + source.shorten("<" + c.getIRI() + ">") + " is unsatisfiable: HermiT proves it can"
                                + " have no instance"));
                    }
                }
            } finally {
                reasoner.dispose();
            }
        } catch (RuntimeException e) {
            problems.add(new Problem(0, "HermiT cannot reason over it: " + oneLine(e.getMessage(), e)));
        }

        if (problems.isEmpty()) {
            System.out.println(name + ": OWL 2 DL, consistent (OWL API OWL2DLProfile and HermiT "
                    + version() + "): " + ontology.getAxiomCount() + " axioms, "
                    + ontology.getClassesInSignature().size() + " classes, "
                    + (ontology.getObjectPropertiesInSignature().size()
                       + ontology.getDataPropertiesInSignature().size()) + " object and data properties"
                    + (dropped.isEmpty() ? "" : "; the OWL API 3 drops " + dropped.size() + " annotation"
                       + (dropped.size() == 1 ? "" : "s") + " whose value is a blank node, which OWL 2 DL allows"
                       + " (not checked): " + String.join(", ", dropped.stream()
                               .map(d -> (d.line > 0 ? "line " + d.line + " " : "") + d.text).toList())));
            return true;
        }
        problems.sort(Comparator.comparingInt((Problem p) -> p.line).thenComparing(p -> p.text));
        String last = null;
        for (Problem p : problems) {
            String line = name + (p.line > 0 ? ":" + p.line : "") + ": " + p.text;
            if (!line.equals(last)) {
                System.out.println(line);
            }
            last = line;
        }
        return false;
    }

    record Problem(int line, String text) {
    }

    private static boolean reserved(IRI iri) {
        String s = iri.toString();
        return s.startsWith("http://www.w3.org/2001/XMLSchema#") || s.startsWith("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
               || s.startsWith("http://www.w3.org/2000/01/rdf-schema#") || s.startsWith("http://www.w3.org/2002/07/owl#");
    }

    private static String describe(OWLProfileViolation v) {
        // The OWL API appends "in OntologyID(...)" to each violation: the file already says which. Some
        // violations (IllegalPunning) run the axiom on after the IRI with no space.
        String text = v.toString();
        String axiom = v.getAxiom() == null ? "" : v.getAxiom().toString();
        if (!axiom.isEmpty() && text.endsWith(axiom) && !text.endsWith(" " + axiom) && !text.endsWith("[" + axiom)) {
            text = text.substring(0, text.length() - axiom.length()) + " [" + axiom + "]";
        }
        return text.replaceAll(" in OntologyID\\(.*?\\)\\)?\\]", "]").replaceAll("\\s+", " ").trim();
    }

    private static String node(RDFNode n) {
        if (n instanceof RDFResource r) {
            return r.isAnonymous() ? "[]" : "<" + r.getResource() + ">";
        }
        return n.toString();
    }

    private static List<OWLAxiom> sorted(Set<OWLAxiom> axioms) {
        List<OWLAxiom> list = new ArrayList<>(axioms);
        list.sort(Comparator.comparing(Object::toString));
        return list;
    }

    private static String loadError(OWLOntologyCreationException e) {
        if (e instanceof UnparsableOntologyException u) {
            // The manager tries every parser; the Turtle parser's complaint is the one that applies to a .ttl.
            for (Map.Entry<OWLParser, OWLParserException> entry : u.getExceptions().entrySet()) {
                if (entry.getKey().getClass().getSimpleName().contains("Turtle")) {
                    return oneLine(entry.getValue().getMessage(), entry.getValue());
                }
            }
        }
        return oneLine(e.getMessage(), e);
    }

    private static String oneLine(String message, Throwable e) {
        String text = message == null ? e.getClass().getName() : message;
        return text.replaceAll("\\s+", " ").trim();
    }

    private static String version() {
        String v = Reasoner.class.getPackage().getImplementationVersion();
        return v == null ? "(version unknown)" : v;
    }

    /** The checked file's text, to say on which line an entity or an axiom is written. */
    static final class Source {
        final String name;
        final List<String> lines;
        final Map<String, String> prefixes = new TreeMap<>();

        Source(String name, List<String> lines) {
            this.name = name;
            this.lines = lines;
        }

        /** The ways the file may write an IRI: in angle brackets, or as a prefixed name. */
        List<String> spellings(IRI iri) {
            List<String> out = new ArrayList<>();
            String s = iri.toString();
            out.add("<" + s + ">");
            for (Map.Entry<String, String> p : prefixes.entrySet()) {
                String ns = p.getValue();
                if (s.startsWith(ns) && s.length() > ns.length() && s.substring(ns.length()).matches("[\\w.-]+")) {
                    out.add(p.getKey() + s.substring(ns.length()));
                }
            }
            return out;
        }

        private static boolean mentions(String line, String spelling) {
            int at = line.indexOf(spelling);
            while (at >= 0) {
                boolean before = at == 0 || !Character.isLetterOrDigit(line.charAt(at - 1)) && line.charAt(at - 1) != ':';
                int end = at + spelling.length();
                boolean after = end >= line.length() || !(Character.isLetterOrDigit(line.charAt(end))
                                                        || line.charAt(end) == '_' || line.charAt(end) == '-');
                if (before && after) {
                    return true;
                }
                at = line.indexOf(spelling, at + 1);
            }
            return false;
        }

        private static boolean code(String line) {
            String t = line.strip();
            return !t.isEmpty() && !t.startsWith("#");
        }

        /** The lines (1-based) where a description of the subject starts: its IRI at the start of a line. */
        List<Integer> subjectLines(IRI subject) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
                    continue;
                }
                for (String s : spellings(subject)) {
                    if (line.startsWith(s) && mentions(line, s)) {
                        out.add(i + 1);
                        break;
                    }
                }
            }
            return out;
        }

        /**
         * Where a statement about the subject that names one of the others is written: in a description of the
         * subject (from its line to the next blank line or the next subject), the first line naming one of the
         * others; else the subject's first line; else the first line naming any of them at all.
         */
        int line(IRI subject, List<IRI> others) {
            List<Integer> starts = subject == null ? List.of() : subjectLines(subject);
            for (int start : starts) {
                for (int i = start - 1; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (i > start - 1 && (line.isBlank() || !Character.isWhitespace(line.charAt(0)) && code(line))) {
                        break;  // a blank line or the next subject ends the description
                    }
                    if (!code(line)) {
                        continue;
                    }
                    String text = i == start - 1 ? line.substring(firstToken(line)) : line;
                    for (IRI other : others) {
                        for (String s : spellings(other)) {
                            if (mentions(text, s)) {
                                return i + 1;
                            }
                        }
                    }
                }
            }
            if (!starts.isEmpty()) {
                return starts.get(0);
            }
            List<IRI> all = new ArrayList<>(others);
            if (subject != null) {
                all.add(0, subject);
            }
            for (IRI iri : all) {
                List<Integer> at = subjectLines(iri);
                if (!at.isEmpty()) {
                    return at.get(0);
                }
            }
            for (int i = 0; i < lines.size(); i++) {
                for (IRI iri : all) {
                    for (String s : spellings(iri)) {
                        if (code(lines.get(i)) && mentions(lines.get(i), s)) {
                            return i + 1;
                        }
                    }
                }
            }
            return 0;
        }

        private static int firstToken(String line) {
            int i = 0;
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            return i;
        }

        int line(OWLAxiom axiom) {
            if (axiom == null) {
                return 0;
            }
            IRI subject = subjectOf(axiom);
            List<IRI> others = new ArrayList<>();
            for (OWLEntity e : axiom.getSignature()) {
                if (!e.getIRI().equals(subject)) {
                    others.add(e.getIRI());
                }
            }
            others.sort(Comparator.comparing(IRI::toString));
            return line(subject, others);
        }

        private static IRI subjectOf(OWLAxiom axiom) {
            OWLObject s = null;
            if (axiom instanceof OWLDeclarationAxiom a) {
                s = a.getEntity();
            } else if (axiom instanceof OWLSubClassOfAxiom a) {
                s = a.getSubClass();
            } else if (axiom instanceof OWLSubPropertyAxiom<?> a) {
                s = a.getSubProperty();
            } else if (axiom instanceof OWLSubAnnotationPropertyOfAxiom a) {
                s = a.getSubProperty();
            } else if (axiom instanceof OWLUnaryPropertyAxiom<?> a) {
                s = a.getProperty();
            } else if (axiom instanceof OWLAnnotationPropertyDomainAxiom a) {
                s = a.getProperty();
            } else if (axiom instanceof OWLAnnotationPropertyRangeAxiom a) {
                s = a.getProperty();
            } else if (axiom instanceof OWLAnnotationAssertionAxiom a) {
                return a.getSubject() instanceof IRI iri ? iri : null;
            } else if (axiom instanceof OWLClassAssertionAxiom a) {
                s = a.getIndividual();
            } else if (axiom instanceof OWLPropertyAssertionAxiom<?, ?> a) {
                s = a.getSubject();
            }
            return s instanceof OWLEntity e ? e.getIRI() : null;
        }

        /** Full IRIs in a message written as the file's prefixed names, where it has a prefix for them. */
        String shorten(String text) {
            Matcher m = Pattern.compile("<([^<>\\s]+)>").matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String iri = m.group(1);
                String best = m.group(0);
                for (Map.Entry<String, String> p : prefixes.entrySet()) {
                    String ns = p.getValue();
                    if (!p.getKey().isEmpty() && !p.getKey().equals(":") && iri.startsWith(ns)
                        && iri.substring(ns.length()).matches("[\\w.-]+")) {
                        best = p.getKey() + iri.substring(ns.length());
                        break;
                    }
                }
                m.appendReplacement(out, Matcher.quoteReplacement(best));
            }
            m.appendTail(out);
            // The OWL API names a blank node after the file's path (_:file:/path/genid0): the path says nothing.
            return out.toString().replaceAll("_:file:[^\\s()\\[\\]]*", "[]");
        }
    }
}
