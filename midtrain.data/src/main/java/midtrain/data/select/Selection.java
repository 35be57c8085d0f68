package midtrain.data.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A keep/drop condition over a document's scores and labels, written as a small expression.
 *
 * <p>Grammar: comparisons {@code column op value} joined with {@code and}, {@code or}, {@code not}
 * and parentheses; {@code op} is one of {@code < <= > >= == !=}. A column is a score ({@code
 * gopher-quality.pass} or the full {@code score.gopher-quality.pass}) compared with a number, or
 * {@code source}, {@code domain}, {@code lang} compared with a word or quoted string. A NaN or null
 * score fails every comparison, including {@code !=}, so a document a rater could not score is
 * never kept by accident. An absent label equals the empty string.
 *
 * <pre>{@code
 * Selection keep = Selection.parse("gopher-quality.pass == 1 and (fasttext.hq > 0.5 or domain == math)");
 * }</pre>
 */
public final class Selection {
  private final String text;
  private final Node root;

  private Selection(String text, Node root) {
    this.text = text;
    this.root = root;
  }

  /**
   * Parses an expression.
   *
   * @param expression the expression
   * @return the selection
   * @throws DataException naming the position and what was expected
   */
  public static Selection parse(String expression) {
    Objects.requireNonNull(expression, "expression");
    Parser p = new Parser(expression);
    Node n = p.or();
    p.skipSpace();
    if (p.pos < expression.length()) {
      throw p.error("unexpected '" + expression.substring(p.pos) + "'");
    }
    return new Selection(expression.trim(), n);
  }

  /**
   * Returns a selection keeping documents whose column compares to a number.
   *
   * @param column a score column, short or full form
   * @param op one of {@code < <= > >= == !=}
   * @param value the number
   * @return the selection
   */
  public static Selection compare(String column, String op, double value) {
    return parse(column + " " + op + " " + value);
  }

  /**
   * Returns the expression, trimmed, as written.
   *
   * @return the expression
   */
  public String expression() {
    return text;
  }

  /**
   * Returns the full names of the columns the expression reads.
   *
   * @return the columns, in order of first use
   */
  public List<String> columns() {
    List<String> out = new ArrayList<>();
    root.columns(out);
    return out;
  }

  /**
   * Evaluates the selection on every row of a batch.
   *
   * @param batch the documents; still owned by the caller
   * @param keep receives true for rows the selection keeps; at least as long as the batch
   * @throws DataException when a column is missing, naming it and the batch's columns, or when
   *     {@code keep} is shorter than the batch
   */
  public void test(VectorSchemaRoot batch, boolean[] keep) {
    if (keep.length < batch.getRowCount()) {
      throw new DataException(
          "selection '"
              + text
              + "': keep has "
              + keep.length
              + " slots for a batch of "
              + batch.getRowCount()
              + " rows");
    }
    Bound b = root.bind(batch);
    for (int i = 0, n = batch.getRowCount(); i < n; i++) {
      keep[i] = b.test(i);
    }
  }

  @Override
  public String toString() {
    return text;
  }

  /** A column name as written, resolved to its batch name. */
  static String resolve(String name) {
    switch (name) {
      case DocumentBatch.SOURCE:
      case DocumentBatch.DOMAIN:
      case DocumentBatch.LANG:
      case DocumentBatch.ID:
        return name;
      default:
        return name.startsWith(DocumentBatch.SCORE_PREFIX)
            ? name
            : DocumentBatch.SCORE_PREFIX + name;
    }
  }

  private static FieldVector column(VectorSchemaRoot batch, String name) {
    FieldVector v = batch.getVector(name);
    if (v == null) {
      List<String> have = new ArrayList<>();
      for (FieldVector f : batch.getFieldVectors()) {
        have.add(f.getName());
      }
      throw new DataException(
          "selection reads column '"
              + name
              + "', which the batch does not have (columns: "
              + have
              + "); add the rater that produces it before this filter");
    }
    return v;
  }

  private interface Bound {
    boolean test(int row);
  }

  private interface Node {
    Bound bind(VectorSchemaRoot batch);

    void columns(List<String> out);
  }

  private record And(Node a, Node b) implements Node {
    @Override
    public Bound bind(VectorSchemaRoot batch) {
      Bound x = a.bind(batch);
      Bound y = b.bind(batch);
      return r -> x.test(r) && y.test(r);
    }

    @Override
    public void columns(List<String> out) {
      a.columns(out);
      b.columns(out);
    }
  }

  private record Or(Node a, Node b) implements Node {
    @Override
    public Bound bind(VectorSchemaRoot batch) {
      Bound x = a.bind(batch);
      Bound y = b.bind(batch);
      return r -> x.test(r) || y.test(r);
    }

    @Override
    public void columns(List<String> out) {
      a.columns(out);
      b.columns(out);
    }
  }

  private record Not(Node a) implements Node {
    @Override
    public Bound bind(VectorSchemaRoot batch) {
      Bound x = a.bind(batch);
      return r -> !x.test(r);
    }

    @Override
    public void columns(List<String> out) {
      a.columns(out);
    }
  }

  private record NumberCmp(String column, String op, double value) implements Node {
    @Override
    public Bound bind(VectorSchemaRoot batch) {
      FieldVector v = Selection.column(batch, column);
      if (!(v instanceof FloatingPointVector)) {
        throw new DataException(
            "selection compares column '" + column + "' with a number, but it is " + v.getField());
      }
      FloatingPointVector f = (FloatingPointVector) v;
      return r -> !f.isNull(r) && cmp(f.getValueAsDouble(r));
    }

    private boolean cmp(double x) {
      if (Double.isNaN(x)) {
        return false;
      }
      switch (op) {
        case "<":
          return x < value;
        case "<=":
          return x <= value;
        case ">":
          return x > value;
        case ">=":
          return x >= value;
        case "==":
          return x == value;
        default:
          return x != value;
      }
    }

    @Override
    public void columns(List<String> out) {
      if (!out.contains(column)) {
        out.add(column);
      }
    }
  }

  private record TextCmp(String column, boolean equal, String value) implements Node {
    @Override
    public Bound bind(VectorSchemaRoot batch) {
      FieldVector v = Selection.column(batch, column);
      if (!(v instanceof VarCharVector)) {
        throw new DataException(
            "selection compares column '" + column + "' with text, but it is " + v.getField());
      }
      VarCharVector s = (VarCharVector) v;
      byte[] want = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return r -> {
        // A null label is the empty one, as in Document.
        boolean same = s.isNull(r) ? want.length == 0 : java.util.Arrays.equals(s.get(r), want);
        return equal == same;
      };
    }

    @Override
    public void columns(List<String> out) {
      if (!out.contains(column)) {
        out.add(column);
      }
    }
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    DataException error(String what) {
      return new DataException("selection \"" + s + "\": at position " + (pos + 1) + ": " + what);
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    boolean keyword(String k) {
      skipSpace();
      int end = pos + k.length();
      if (end <= s.length()
          && s.regionMatches(true, pos, k, 0, k.length())
          && (end == s.length() || !isNameChar(s.charAt(end)))) {
        pos = end;
        return true;
      }
      return false;
    }

    Node or() {
      Node n = and();
      while (keyword("or")) {
        n = new Or(n, and());
      }
      return n;
    }

    Node and() {
      Node n = not();
      while (keyword("and")) {
        n = new And(n, not());
      }
      return n;
    }

    Node not() {
      if (keyword("not")) {
        return new Not(not());
      }
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == '(') {
        pos++;
        Node n = or();
        skipSpace();
        if (pos >= s.length() || s.charAt(pos) != ')') {
          throw error("expected ')'");
        }
        pos++;
        return n;
      }
      return comparison();
    }

    Node comparison() {
      String name = name();
      if (name.isEmpty()) {
        throw error("expected a column name");
      }
      String op = op();
      String column = resolve(name);
      skipSpace();
      boolean text =
          column.equals(DocumentBatch.SOURCE)
              || column.equals(DocumentBatch.DOMAIN)
              || column.equals(DocumentBatch.LANG)
              || column.equals(DocumentBatch.ID);
      if (text) {
        if (!op.equals("==") && !op.equals("!=")) {
          throw error("column '" + name + "' is text: only == and != apply");
        }
        return new TextCmp(column, op.equals("=="), word());
      }
      int start = pos;
      String num = name();
      try {
        return new NumberCmp(column, op, Double.parseDouble(num));
      } catch (NumberFormatException e) {
        pos = start;
        throw error("expected a number after '" + name + " " + op + "'");
      }
    }

    String op() {
      skipSpace();
      for (String o : new String[] {"<=", ">=", "==", "!=", "<", ">"}) {
        if (s.startsWith(o, pos)) {
          pos += o.length();
          return o;
        }
      }
      throw error("expected one of < <= > >= == !=");
    }

    String word() {
      skipSpace();
      if (pos < s.length() && (s.charAt(pos) == '"' || s.charAt(pos) == '\'')) {
        char q = s.charAt(pos);
        int end = s.indexOf(q, pos + 1);
        if (end < 0) {
          throw error("unterminated quote");
        }
        String w = s.substring(pos + 1, end);
        pos = end + 1;
        return w;
      }
      String w = name();
      if (w.isEmpty()) {
        throw error("expected a value");
      }
      return w;
    }

    String name() {
      skipSpace();
      int start = pos;
      while (pos < s.length() && isNameChar(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    static boolean isNameChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '+';
    }
  }
}
