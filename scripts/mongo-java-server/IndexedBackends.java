import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.KeyConstraintError;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.oplog.Oplog;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

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
 *
 * <p>Such an index is also kept in its first field's order, so it serves a range of that field
 * ({@code $lt}, {@code $lte}, {@code $gt}, {@code $gte}), and a query sorted by that field with a
 * limit reads its candidates in that order and stops at the limit, as MongoDB's index scan does. The
 * retention purge reads "the next 2,000 records older than the cutoff, oldest first": out of the box
 * every such batch read and sorted the whole collection (and one of 20,000 at 20,000 records held
 * the collection long enough for the driver's monitor to give up on the server). A unique index also
 * serves {@code $in} on its field among other conditions (the purge's write by the batch's ids).
 * Candidates not sorted by the index come back in the collection's own order, as a scan returns
 * them, so only queries that asked for the index's order see it.
 */
final class IndexedBackends {
  private IndexedBackends() {}

  /**
   * The query left to match once the `_id` index has looked up an {@code _id: {$in: [...]}}: every
   * candidate it found has one of those ids, so only the other conditions are matched. Why: the
   * library matches `$in` by walking the list for each document, so a purge batch's write by 2,000
   * ids cost 2,000 × 2,000 comparisons (about 0.6 s, measured) where the lookup alone is exact.
   */
  static <P> Document withoutIdsLookedUp(Index<P> index, Document query) {
    if (!(index instanceof ServesWiderQueries<P> unique) || !unique.isIdIndex()) return query;
    if (!(query.get("_id") instanceof Document d) || d.size() != 1 || !d.containsKey("$in")) return query;
    Document rest = new Document(query);
    rest.remove("_id");
    return rest;
  }

  /**
   * Whether a queried value matches documents by equality, so an index can look it up: not an
   * operator document, a list, or a regular expression, which a query may carry as a Java Pattern or
   * (in a pipeline's {@code $match}) as the library's BsonRegularExpression.
   */
  static boolean isPlain(Object value) {
    return !(value instanceof Document
        || value instanceof Collection
        || value instanceof Pattern
        || value instanceof de.bwaldvogel.mongo.bson.BsonRegularExpression);
  }

  /**
   * The leading {@code $match} of the aggregation this thread is running, with its collection's name:
   * the library feeds every pipeline the whole collection and matches in the first stage, so a
   * pipeline that MongoDB starts with an index scan (an agent's records for the integrity signals:
   * its agentId and days) read every record here. The collection takes it once, for the pipeline's
   * input only, and reads it as a query (its indexes); the {@code $match} stage still runs on what
   * it reads, so only the speed changes.
   */
  private static final ThreadLocal<Object[]> LEADING_MATCH = new ThreadLocal<>();

  /** Runs a command, first noting an aggregation's leading {@code $match} for its collection. */
  static Document withLeadingMatch(Document query, String command, java.util.function.Supplier<Document> run) {
    if (!command.equalsIgnoreCase("aggregate")
        || !(query.get(command) instanceof String collection)
        || !(query.get("pipeline") instanceof List<?> pipeline)
        || pipeline.isEmpty()
        || !(pipeline.get(0) instanceof Document first)
        || first.size() != 1
        || !(first.get("$match") instanceof Document match)) return run.get();
    LEADING_MATCH.set(new Object[] {collection, match});
    try {
      return run.get();
    } finally {
      LEADING_MATCH.remove();
    }
  }

  /** This collection's pipeline input as a query, once, if an aggregation on it noted one. */
  static Document takeLeadingMatch(String collection) {
    Object[] noted = LEADING_MATCH.get();
    if (noted == null || !noted[0].equals(collection)) return null;
    LEADING_MATCH.remove();
    return (Document) noted[1];
  }

  /**
   * A field's distinct values over the whole collection, read from the keys of an index led by that
   * field, as MongoDB's distinct scan does; null when none serves it (a filter, no such index, or
   * values the index does not keep as the documents hold them), and the library reads every
   * document. Why: the sums rebuild asks for the distinct days of the scores, and the library's
   * pass over 1,000,000 scores on the H2 file outlasted the driver's 10 s monitor check.
   */
  static <P> Document distinctFromIndex(List<Index<P>> indexes, Document query) {
    if (!(query.get("key") instanceof String key)) return null;
    if (query.get("query") instanceof Document filter && !filter.isEmpty()) return null;
    for (Index<P> index : indexes) {
      if (!(index instanceof FirstFieldIndex<P> f) || !f.leadsWith(key)) continue;
      List<Object> values = f.keysIfPlain();
      if (values == null) return null;
      Document response = new Document("values", values);
      response.put("ok", 1.0);
      return response;
    }
    return null;
  }

  /**
   * The index a query reads: one that finds it by plain values (or `$in`) first, as the library
   * would, and only when none can, one that serves it by a range. Why: the library takes the first
   * index that can serve a query, and {@code {agentId: A, day: {$gte, $lte}}} must read agent A's
   * documents by the agentId index, not every agent's days by the day index created before it.
   * Null: no index, the library scans.
   */
  static <P> Index<P> indexFor(List<Index<P>> indexes, Document query) {
    Index<P> byRange = null;
    for (Index<P> index : indexes) {
      if (index instanceof FirstFieldIndex<P> f && f.servesByRangeOnly(query)) {
        if (byRange == null) byRange = index;
      } else if (index.canHandle(query)) {
        return index;
      }
    }
    return byRange;
  }

  static final class Memory extends MemoryBackend {
    @Override
    public MemoryDatabase openOrCreateDatabase(String name) {
      return new MemoryDatabase(name, getCursorRegistry()) {
        @Override
        public Document handleCommand(
            Channel channel, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
          return withLeadingMatch(query, command, () -> super.handleCommand(channel, command, query, resolver, oplog));
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String collection, CollectionOptions options) {
          return new MemoryCollection(this, collection, options, cursorRegistry) {
            @Override
            public Stream<Document> queryAllAsStream() {
              Document match = takeLeadingMatch(getCollectionName());
              return match == null ? super.queryAllAsStream() : handleQueryAsStream(match);
            }

            @Override
            protected QueryResult queryDocuments(
                Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
              Index<Integer> index = indexFor(getIndexes(), query);
              if (index == null) return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
              Iterable<Integer> positions = index.getPositions(query);
              return matchDocuments(withoutIdsLookedUp(index, query), positions, orderBy, skip, limit, batchSize, fields);
            }

            @Override
            public synchronized Document handleDistinct(Document query) {
              Document fromIndex = distinctFromIndex(getIndexes(), query);
              return fromIndex != null ? fromIndex : super.handleDistinct(query);
            }

            @Override
            protected QueryResult matchDocuments(
                Document query,
                Iterable<Integer> positions,
                Document orderBy,
                int skip,
                int limit,
                int batchSize,
                Document fields) {
              if (!(positions instanceof OrderedPositions<Integer> ordered))
                return super.matchDocuments(query, positions, orderBy, skip, limit, batchSize, fields);
              if (!ordered.sortedAs(orderBy))
                return super.matchDocuments(query, ordered.natural(), orderBy, skip, limit, batchSize, fields);
              Stream<Document> documents = StreamSupport.stream(ordered.spliterator(), false).map(this::getDocument);
              return matchDocumentsFromStream(query, documents, skip, limit, batchSize, null, fields);
            }
          };
        }

        @Override
        protected Index<Integer> openOrCreateUniqueIndex(
            String collection, String index, List<IndexKey> keys, boolean sparse) {
          return new ServesWiderQueries<>(super.openOrCreateUniqueIndex(collection, index, keys, sparse));
        }

        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(
            String collection, String index, List<IndexKey> keys, boolean sparse) {
          return new FirstFieldIndex<>(index, keys, sparse, false);
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
      MVStore store = getMvStore();
      return new H2Database(name, store, getCursorRegistry()) {
        @Override
        public Document handleCommand(
            Channel channel, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
          return withLeadingMatch(query, command, () -> super.handleCommand(channel, command, query, resolver, oplog));
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collection, CollectionOptions options) {
          // As H2Database names its maps (its prefixes are private there).
          String full = getFullCollectionNamespace(collection);
          MVMap<Object, Document> data = store.openMap("databases." + full);
          MVMap<String, Object> meta = store.openMap("meta." + full);
          return new H2Collection(this, collection, options, data, meta, cursorRegistry) {
            @Override
            public Stream<Document> queryAllAsStream() {
              Document match = takeLeadingMatch(getCollectionName());
              return match == null ? super.queryAllAsStream() : handleQueryAsStream(match);
            }

            @Override
            protected QueryResult queryDocuments(
                Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
              Index<Object> index = indexFor(getIndexes(), query);
              if (index == null) return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
              Iterable<Object> positions = index.getPositions(query);
              return matchDocuments(withoutIdsLookedUp(index, query), positions, orderBy, skip, limit, batchSize, fields);
            }

            @Override
            public synchronized Document handleDistinct(Document query) {
              Document fromIndex = distinctFromIndex(getIndexes(), query);
              return fromIndex != null ? fromIndex : super.handleDistinct(query);
            }

            @Override
            protected QueryResult matchDocuments(
                Document query,
                Iterable<Object> positions,
                Document orderBy,
                int skip,
                int limit,
                int batchSize,
                Document fields) {
              if (!(positions instanceof OrderedPositions<Object> ordered))
                return super.matchDocuments(query, positions, orderBy, skip, limit, batchSize, fields);
              if (!ordered.sortedAs(orderBy))
                return super.matchDocuments(query, ordered.natural(), orderBy, skip, limit, batchSize, fields);
              Stream<Document> documents = StreamSupport.stream(ordered.spliterator(), false).map(this::getDocument);
              return matchDocumentsFromStream(query, documents, skip, limit, batchSize, null, fields);
            }
          };
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(
            String collection, String index, List<IndexKey> keys, boolean sparse) {
          return new ServesWiderQueries<>(super.openOrCreateUniqueIndex(collection, index, keys, sparse));
        }

        @Override
        protected Index<Object> openOrCreateSecondaryIndex(
            String collection, String index, List<IndexKey> keys, boolean sparse) {
          return new FirstFieldIndex<>(index, keys, sparse, true);
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

    /** BSON's order across types, so a range's candidates include every value the range can match. */
    private static final Comparator<Object> ORDER =
        (a, b) -> ValueComparator.asc().compare(a == NULL ? null : a, b == NULL ? null : b);

    private static final Set<String> RANGE_OPERATORS = Set.of("$lt", "$lte", "$gt", "$gte");

    private final NavigableMap<Object, Set<P>> positionsByValue = new TreeMap<>(ORDER);
    /**
     * Each document's indexed value: the very key object of {@link #positionsByValue} (one per
     * distinct value, not one per document), or {@link Several} for an array. Why so lean: at
     * 10,000,000 scores with seven such indexes, a set of values and a copy of each value per
     * document per index needed about 27 GB of heap; this needs about 8.
     */
    private final Map<P, Object> valueByPosition = new HashMap<>();
    /**
     * Whether some document gave several values (an array). MongoDB then cannot bound a range on
     * both sides (one element may meet `$gte` and another `$lt`), and a document may sit under
     * several keys: a range reads the lower side only, each document once, and no sort is served.
     */
    private boolean multikey;
    /** Null on the file, where a document's position is its `_id` and needs no map of its own. */
    private final Map<Object, P> positionById;

    /** @param positionIsId true on the H2 file, whose positions are the documents' `_id` values */
    FirstFieldIndex(String name, List<IndexKey> keys, boolean sparse, boolean positionIsId) {
      super(name, keys, sparse);
      positionById = positionIsId ? null : new HashMap<>();
    }

    /** The values an array field gave one document, each the index's own key object. */
    private record Several(Object[] values) {}

    @SuppressWarnings("unchecked")
    private P positionOf(Document document) {
      Object id = document.get("_id");
      if (positionById != null) return positionById.get(id);
      return valueByPosition.containsKey(id) ? (P) id : null;
    }

    /** Adds a position under a value; returns the index's key object for that value. */
    private Object addUnder(Object value, P position) {
      Map.Entry<Object, Set<P>> entry = positionsByValue.ceilingEntry(value);
      if (entry != null && ORDER.compare(entry.getKey(), value) == 0) {
        entry.getValue().add(position);
        return entry.getKey();
      }
      Set<P> positions = new LinkedHashSet<>();
      positions.add(position);
      positionsByValue.put(value, positions);
      return value;
    }

    private static Object[] asArray(Object stored) {
      return stored instanceof Several several ? several.values() : new Object[] {stored};
    }

    /** Whether a document's values are those stored, by the index's order (as its keys are compared). */
    private static boolean same(Set<Object> values, Object stored) {
      if (stored == null) return false;
      Object[] old = asArray(stored);
      if (old.length != values.size()) return false;
      int i = 0;
      for (Object value : values) if (ORDER.compare(value, old[i++]) != 0) return false;
      return true;
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

    /**
     * A document holding this value at the first field's path, so a queried value is normalised as
     * the documents' are; a dotted path ({@code closures.closedAt}) must be nested for that, or the
     * value reads as missing.
     */
    private Document documentWith(Object value) {
      String[] path = firstField().split("\\.");
      Object nested = value;
      for (int i = path.length - 1; i > 0; i--) nested = new Document(path[i], nested);
      return new Document(path[0], nested);
    }

    private Object queriedValue(Document query) {
      if (!query.containsKey(firstField())) return null;
      Object value = query.get(firstField());
      if (!isPlain(value)) return null;
      Set<Object> values = valuesOf(documentWith(value));
      return values.size() == 1 ? values.iterator().next() : null;
    }

    /** The query's range of the first field, its bounds normalised, or null if it asks for no range. */
    private Document queriedRange(Document query) {
      if (!(query.get(firstField()) instanceof Document range) || range.isEmpty()) return null;
      Document bounds = new Document();
      for (String op : range.keySet()) {
        if (!RANGE_OPERATORS.contains(op)) return null;
        Object bound = range.get(op);
        if (bound == null || !isPlain(bound))
          return null;
        Set<Object> values = valuesOf(documentWith(bound));
        if (values.size() != 1) return null;
        bounds.put(op, values.iterator().next());
      }
      return bounds;
    }

    @Override
    public synchronized boolean canHandle(Document query) {
      return queriedValue(query) != null || queriedRange(query) != null;
    }

    @Override
    public synchronized Iterable<P> getPositions(Document query) {
      Object value = queriedValue(query);
      if (value != null) {
        Set<P> positions = positionsByValue.get(value);
        return positions == null ? List.of() : new ArrayList<>(positions);
      }
      Document range = queriedRange(query);
      // The tighter of each side's bounds; a range that is empty (a lower bound above the upper)
      // has no candidates, where TreeMap would refuse the bounds.
      Object low = null;
      boolean lowIn = true;
      for (String op : List.of("$gte", "$gt")) {
        if (!range.containsKey(op)) continue;
        Object b = range.get(op);
        int c = low == null ? 1 : ORDER.compare(b, low);
        if (c > 0 || (c == 0 && op.equals("$gt"))) {
          low = b;
          lowIn = op.equals("$gte");
        }
      }
      Object high = null;
      boolean highIn = true;
      for (String op : List.of("$lte", "$lt")) {
        if (!range.containsKey(op)) continue;
        Object b = range.get(op);
        int c = high == null ? -1 : ORDER.compare(b, high);
        if (c < 0 || (c == 0 && op.equals("$lt"))) {
          high = b;
          highIn = op.equals("$lte");
        }
      }
      NavigableMap<Object, Set<P>> within = positionsByValue;
      if (multikey) {
        if (low != null) within = within.tailMap(low, lowIn);
        else if (high != null) within = within.headMap(high, highIn);
        Set<P> once = new LinkedHashSet<>();
        for (Set<P> positions : within.values()) once.addAll(positions);
        return new OrderedPositions<>(null, once);
      }
      if (low != null && high != null) {
        int c = ORDER.compare(low, high);
        if (c > 0 || (c == 0 && !(lowIn && highIn)))
          return new OrderedPositions<P>(firstField(), () -> java.util.Collections.emptyIterator());
        within = within.subMap(low, lowIn, high, highIn);
      } else if (low != null) {
        within = within.tailMap(low, lowIn);
      } else if (high != null) {
        within = within.headMap(high, highIn);
      }
      // A view, read while the collection's lock is held (every query holds it): a sorted query
      // with a limit reads only as far as it needs.
      Collection<Set<P>> values = within.values();
      return new OrderedPositions<>(firstField(), () -> values.stream().flatMap(Set::stream).iterator());
    }

    boolean leadsWith(String field) {
      return firstField().equals(field);
    }

    /**
     * The indexed values in order, or null unless every one is a string or a date (kept as the
     * documents hold them; a missing field and a null share one key here, and numbers are normalised).
     */
    synchronized List<Object> keysIfPlain() {
      List<Object> values = new ArrayList<>(positionsByValue.size());
      for (Object value : positionsByValue.keySet()) {
        if (!(value instanceof String) && !(value instanceof java.util.Date)) return null;
        values.add(value);
      }
      return values;
    }

    synchronized boolean servesByRangeOnly(Document query) {
      return queriedValue(query) == null && queriedRange(query) != null;
    }

    @Override
    public synchronized P getPosition(Document document) {
      return positionOf(document);
    }

    @Override
    public void checkAdd(Document document, MongoCollection<P> collection) {
      // Not unique: nothing to refuse.
    }

    @Override
    public synchronized void add(Document document, P position, MongoCollection<P> collection) {
      Set<Object> values = valuesOf(document);
      if (values.size() > 1) multikey = true;
      Object[] keys = new Object[values.size()];
      int i = 0;
      for (Object value : values) keys[i++] = addUnder(value, position);
      valueByPosition.put(position, keys.length == 1 ? keys[0] : new Several(keys));
      if (positionById != null) positionById.put(document.get("_id"), position);
    }

    @Override
    public synchronized P remove(Document document) {
      P position = positionOf(document);
      if (position == null) return null;
      if (positionById != null) positionById.remove(document.get("_id"));
      Object stored = valueByPosition.remove(position);
      if (stored != null) {
        for (Object value : asArray(stored)) {
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
      return valueByPosition.size();
    }

    @Override
    public synchronized boolean isEmpty() {
      return valueByPosition.isEmpty();
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
      // Most updates leave the indexed field as it was: nothing to move.
      if (same(valuesOf(newDocument), valueByPosition.get(position))
          && java.util.Objects.equals(position, positionOf(newDocument))) return;
      remove(oldDocument);
      add(newDocument, position, collection);
    }

    @Override
    public synchronized void drop() {
      positionsByValue.clear();
      if (positionById != null) positionById.clear();
      valueByPosition.clear();
    }

    @Override
    public boolean isUnique() {
      return false;
    }
  }

  /**
   * Candidates in an index's ascending order of one field. A collection reads them in that order,
   * stopping at the limit, when the query is sorted by that field alone, ascending (equal values
   * then come in the index's order; MongoDB promises no order among them either); otherwise in the
   * collection's own order, exactly as a scan would have met them.
   */
  static final class OrderedPositions<P> implements Iterable<P> {
    private final String field;
    private final Iterable<P> positions;

    OrderedPositions(String field, Iterable<P> positions) {
      this.field = field;
      this.positions = positions;
    }

    /**
     * Memory positions are list indexes, ascending in the collection's order; H2's are the documents'
     * ids (any BSON value, even a document), put in BSON order, which is the order H2 keeps them in
     * for ids of one type.
     */
    List<P> natural() {
      List<P> sorted = new ArrayList<>();
      positions.forEach(sorted::add);
      sorted.sort(ValueComparator.asc());
      return sorted;
    }

    /** Whether a query sorted so reads these in index order; never for a multikey index (field null). */
    boolean sortedAs(Document orderBy) {
      return field != null
          && orderBy != null
          && orderBy.size() == 1
          && orderBy.get(field) instanceof Number n
          && n.intValue() == 1;
    }

    @Override
    public Iterator<P> iterator() {
      return positions.iterator();
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
        // `$in` on a one-field index is a lookup per value (the library's own, below); other
        // operators, sub-document equality, arrays and patterns keep the library's own handling.
        boolean in = keys.size() == 1 && value instanceof Document d && d.size() == 1 && d.get("$in") instanceof Collection;
        if (!in && !isPlain(value)) return null;
        own.put(key, value);
      }
      return inner.canHandle(own) ? own : null;
    }

    boolean isIdIndex() {
      return keys().equals(List.of("_id"));
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
