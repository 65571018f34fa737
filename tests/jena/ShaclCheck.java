// Apache Jena's SHACL engine on many data files with one set of shapes, in one JVM (tests/test_jena_shacl.py).
// Usage: java -cp JENA ShaclCheck.java SHAPES DATA... ; prints one line per result:
// DATA <TAB> source shape <TAB> focus node <TAB> severity, and "DATA <TAB> conforms" for a file without one.
import org.apache.jena.graph.Graph;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.shacl.validation.ReportEntry;

public class ShaclCheck {
    public static void main(String[] args) {
        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[0]));
        for (int i = 1; i < args.length; i++) {
            Graph data = RDFDataMgr.loadGraph(args[i]);
            ValidationReport report = ShaclValidator.get().validate(shapes, data);
            if (report.conforms()) {
                System.out.println(args[i] + "\tconforms");
            }
            for (ReportEntry e : report.getEntries()) {
                System.out.println(args[i] + "\t" + e.source() + "\t" + e.focusNode() + "\t" + e.severity().level());
            }
        }
    }
}
