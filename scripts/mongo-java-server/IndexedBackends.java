import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.KeyConstraintError;
import de.bwaldvogel.mongo.MongoDatabase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

// Why: docs/decisions/0001-mongo-java-server.md
/**
 * mongo-java-server's backends with one change to how a query finds its documents.
 *
 * <p>Out of the box a unique index serves a query only when the query names exactly the index's
 * fields: {@code {_id: X}} is a lookup, but {@code {_id: X, revision: 4}} (a conditional update, the
 * way verisat writes every state change) scans the whole collection, about 50 ms at 100,000
 * documents, measured. MongoDB uses the index for both. Here a unique index also serves a query that
 * names each of its fields with a plain value, whatever other conditions it has: the index finds the
 * one candidate by those fields, and the collection still matches the candidate against the whole
 * query (AbstractMongoCollection.matchDocuments), so the answer is the same as a scan's.
 *
 * <p>And the library ignores every index that is not unique (it logs "not yet implemented" and
 * scans), so a query by a citizen's number or a pending flag read the whole collection: 22 ms in
 * memory and about a second on the H2 file at 100,000 documents, measured. Here such an index is
 * kept in memory, by the value of its first field (rebuilt from the documents when the server
 * starts), and serves any query that names that field with a plain value; again the candidates are
 * matched against the whole query, so only the speed changes.
 */
final class IndexedBackends {
  private IndexedBackends() {}

  static final class Memory extends MemoryBackend {
    @Override
    public MemoryDatabase openOrCreateDatabase(String name) {
      return new MemoryDatabase(name, getCursorRegistry()) {
        @Override
        protected Index<Integer> openOrCreateUniqueIndex(
            String collection, String index, List<IndexKey> keys, boolean sparse) {
          return new ServesWiderQueries<>(super.openOrCreateUniqueIndex(collection, index, keys, sparse));
        }

        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(
            String collection, String index, List<IndexKey> keys, boolean sparse) {
          return new FirstFieldIndex<>(index, keys, sparse);
        }
      };
    }
  }

  static class H2 extends H2Backend {
    H2(String file) {
      super(file);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String name) {
      return new H2Database(name, getMvStore(), getCursorRegistry()) {
        @Override
        protected Index<Object> openOrCreateUniqueIndex(
            String collection, String index, List<IndexKey> keys, boolean sparse) {
          return new ServesWiderQueries<>(super.openOrCreateUniqueIndex(collection, index, keys, sparse));
        }

        @Override
        protected Index<Object> openOrCreateSecondaryIndex(
            String collection, String index, List<IndexKey> keys, boolean sparse) {
          return new FirstFieldIndex<>(index, keys, sparse);
        }
      };
    }
  }

  /**
   * A non-unique index, in memory, by the value of its first field: enough for the lookups verisat
   * makes (a number's follow-ups, the pending flags, a day's or an agency's records) without a scan.
   */
  static final class FirstFieldIndex<P> extends Index<P> {
    /** HashMap keys may not be null, and a missing or null field is a value queries can ask for. */
    private static final Object NULL = new Object();

    private final Map<Object, Set<P>> positionsByValue = new HashMap<>();
    private final Map<Object, P> positionById = new HashMap<>();
    private final Map<P, Set<Object>> valuesByPosition = new HashMap<>();

    FirstFieldIndex(String name, List<IndexKey> keys, boolean sparse) {
      super(name, keys, sparse);
    }

    private String firstField() {
      return keys().get(0);
    }

    /** The first field's values in the document (several for an array), normalised as the library does. */
    private Set<Object> valuesOf(Document document) {
      Set<Object> values = new LinkedHashSet<>();
      for (KeyValue key : getKeyValues(document)) {
        Object value = key.get(0);
        values.add(value == null ? NULL : value);
      }
      if (values.isEmpty()) values.add(NULL);
      return values;
    }

    private Object queriedValue(Document query) {
      if (!query.containsKey(firstField())) return null;
      Object value = query.get(firstField());
      if (value instanceof Document || value instanceof Collection || value instanceof Pattern) return null;
      Set<Object> values = valuesOf(new Document(firstField(), value));
      return values.size() == 1 ? values.iterator().next() : null;
    }

    @Override
    public synchronized boolean canHandle(Document query) {
      return queriedValue(query) != null;
    }

    @Override
    public synchronized Iterable<P> getPositions(Document query) {
      Set<P> positions = positionsByValue.get(queriedValue(query));
      return positions == null ? List.of() : new ArrayList<>(positions);
    }

    @Override
    public synchronized P getPosition(Document document) {
      return positionById.get(document.get("_id"));
    }

    @Override
    public void checkAdd(Document document, MongoCollection<P> collection) {
      // Not unique: nothing to refuse.
    }

    @Override
    public synchronized void add(Document document, P position, MongoCollection<P> collection) {
      Set<Object> values = valuesOf(document);
      for (Object value : values) positionsByValue.computeIfAbsent(value, v -> new LinkedHashSet<>()).add(position);
      valuesByPosition.put(position, values);
      positionById.put(document.get("_id"), position);
    }

    @Override
    public synchronized P remove(Document document) {
      P position = positionById.remove(document.get("_id"));
      if (position == null) return null;
      Set<Object> values = valuesByPosition.remove(position);
      if (values != null) {
        for (Object value : values) {
          Set<P> positions = positionsByValue.get(value);
          if (positions == null) continue;
          positions.remove(position);
          if (positions.isEmpty()) positionsByValue.remove(value);
        }
      }
      return position;
    }

    @Override
    public synchronized long getCount() {
      return positionById.size();
    }

    @Override
    public synchronized boolean isEmpty() {
      return positionById.isEmpty();
    }

    @Override
    public long getDataSize() {
      return 0;
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
      // Not unique: nothing to refuse.
    }

    @Override
    public synchronized void updateInPlace(
        Document oldDocument, Document newDocument, P position, MongoCollection<P> collection) {
      remove(oldDocument);
      add(newDocument, position, collection);
    }

    @Override
    public synchronized void drop() {
      positionsByValue.clear();
      positionById.clear();
      valuesByPosition.clear();
    }

    @Override
    public boolean isUnique() {
      return false;
    }
  }

  /** A unique index that also serves queries naming its fields with plain values among others. */
  static final class ServesWiderQueries<P> extends Index<P> {
    private final Index<P> inner;

    ServesWiderQueries(Index<P> inner) {
      super(inner.getName(), inner.getKeys(), isSparse(inner));
      this.inner = inner;
    }

    private static boolean isSparse(Index<?> index) {
      return Boolean.TRUE.equals(index.toIndexDescription().get("sparse"));
    }

    /** The query cut down to this index's fields, or null if it does not name each with a plain value. */
    private Document ownFields(Document query) {
      Set<String> keys = keySet();
      if (query.keySet().equals(keys)) return null;
      Document own = new Document();
      for (String key : keys) {
        if (!query.containsKey(key)) return null;
        Object value = query.get(key);
        // Operators, sub-document equality, arrays and patterns keep the library's own handling.
        if (value instanceof Document || value instanceof Collection || value instanceof Pattern) return null;
        own.put(key, value);
      }
      return inner.canHandle(own) ? own : null;
    }

    @Override
    public boolean canHandle(Document query) {
      return inner.canHandle(query) || ownFields(query) != null;
    }

    @Override
    public Iterable<P> getPositions(Document query) {
      if (inner.canHandle(query)) return inner.getPositions(query);
      Document own = ownFields(query);
      return inner.getPositions(own == null ? query : own);
    }

    @Override
    public P getPosition(Document document) {
      return inner.getPosition(document);
    }

    @Override
    public void checkAdd(Document document, MongoCollection<P> collection) {
      inner.checkAdd(document, collection);
    }

    @Override
    public void add(Document document, P position, MongoCollection<P> collection) {
      inner.add(document, position, collection);
    }

    @Override
    public P remove(Document document) {
      return inner.remove(document);
    }

    @Override
    public long getCount() {
      return inner.getCount();
    }

    @Override
    public boolean isEmpty() {
      return inner.isEmpty();
    }

    @Override
    public long getDataSize() {
      return inner.getDataSize();
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
      inner.checkUpdate(oldDocument, newDocument, collection);
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, P position, MongoCollection<P> collection)
        throws KeyConstraintError {
      inner.updateInPlace(oldDocument, newDocument, position, collection);
    }

    @Override
    public Set<KeyValue> getKeyValues(Document document) {
      return inner.getKeyValues(document);
    }

    @Override
    public void drop() {
      inner.drop();
    }

    @Override
    public boolean isUnique() {
      return inner.isUnique();
    }

    @Override
    public Document toIndexDescription() {
      return inner.toIndexDescription();
    }
  }
}
