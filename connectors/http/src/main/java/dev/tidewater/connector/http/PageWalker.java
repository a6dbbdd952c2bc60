package dev.tidewater.connector.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.tidewater.connector.text.ColumnWriter;
import dev.tidewater.connector.text.JsonKeyPath;
import dev.tidewater.spi.RecordRejections;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Walks one page with Jackson's streaming parser in a single pass: it stops on each record's {@code
 * START_OBJECT} (the records are the array, or the one object, at {@code records_path}; nulls in
 * the array are skipped) and, on the way, keeps the scalar values at the paths the paginator asked
 * for, before or after the records. A page that is not JSON, or has nothing at {@code
 * records_path}, is a user error naming the page and its URL.
 */
final class PageWalker implements AutoCloseable {
  private enum State {
    START,
    WALKING,
    RECORDS,
    SINGLE,
    ROOT_SINGLE,
    DONE
  }

  private final byte[] body;
  private final JsonKeyPath recordsPath;
  private final List<JsonKeyPath> wanted;
  private final String where;
  private final RecordRejections rejections;
  private final IntFunction<String> positions;
  private final JsonParser parser;
  private final List<String> path = new ArrayList<>();
  private final Map<JsonKeyPath, String> values = new HashMap<>();
  private State state = State.START;
  private boolean foundRecords;
  private int records;
  private long recordStart;
  private JsonStreamContext recordContext;

  /**
   * @param where the page as messages name it, e.g. {@code HTTP source 'gh': page 3 (GET url)}
   * @param rejections where records that are not objects go, or null to fail on them
   * @param positions the position of record {@code n} of the page, for rejections
   */
  PageWalker(
      byte[] body,
      JsonKeyPath recordsPath,
      List<JsonKeyPath> wanted,
      String where,
      RecordRejections rejections,
      IntFunction<String> positions) {
    this.body = body;
    this.rejections = rejections;
    this.positions = positions;
    this.recordsPath = recordsPath;
    this.wanted = List.copyOf(wanted);
    this.where = where;
    try {
      this.parser = ColumnWriter.JSON_FACTORY.createParser(body);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** The parser, on the current record's {@code START_OBJECT} after {@link #nextRecord}. */
  JsonParser parser() {
    return parser;
  }

  /** The number of records so far; the 1-based number of the current one. */
  int records() {
    return records;
  }

  /** The scalar values (as text) at the paginator's paths; a path absent or null has none. */
  Map<JsonKeyPath, String> values() {
    return values;
  }

  /**
   * Moves to the next record; false once the page is read to its end. The caller reads the record
   * through to its {@code END_OBJECT} before asking for the next one (or calls {@link
   * #skipRecord}).
   */
  boolean nextRecord() {
    try {
      while (true) {
        switch (state) {
          case START:
            start();
            continue;
          case WALKING:
            Found found = walk();
            if (found == Found.END) {
              state = State.DONE;
              if (!foundRecords) {
                throw TidewaterException.user(
                    "%s: nothing at records_path '%s'", where, recordsPath);
              }
              return false;
            }
            if (found == Found.RECORD) {
              state = State.SINGLE;
              return atRecord();
            }
            state = State.RECORDS;
            continue;
          case RECORDS:
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
              state = recordsPath.isRoot() ? State.DONE : State.WALKING;
              continue;
            }
            if (token == JsonToken.VALUE_NULL) {
              continue;
            }
            if (token != JsonToken.START_OBJECT) {
              rejectNonObject(token);
              continue;
            }
            return atRecord();
          case SINGLE:
            state = State.WALKING; // the one object at records_path was read: walk on
            continue;
          case ROOT_SINGLE:
            state = State.DONE;
            return atRecord();
          default:
            return false;
        }
      }
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /**
   * A record that is a scalar or an array: rejected with its text, or an error without rejections.
   */
  private void rejectNonObject(JsonToken token) throws IOException {
    String reason = "expected a JSON object as a record but found " + describe(token);
    if (rejections == null) {
      throw TidewaterException.user("%s: record %d: %s", where, records + 1, reason);
    }
    records++;
    long start = parser.currentTokenLocation().getByteOffset();
    parser.skipChildren();
    parser.finishToken();
    long end = parser.currentLocation().getByteOffset();
    rejections.reject(positions.apply(records), reason, text(start, end));
  }

  private String text(long start, long end) {
    int from = (int) Math.max(0, start);
    int to = (int) Math.min(body.length, Math.max(from, end));
    return new String(body, from, to - from, StandardCharsets.UTF_8);
  }

  private boolean atRecord() {
    records++;
    recordStart = parser.currentTokenLocation().getByteOffset();
    recordContext = parser.getParsingContext();
    return true;
  }

  private void start() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw TidewaterException.user("%s: the page is empty, not JSON", where);
    }
    if (recordsPath.isRoot()) {
      foundRecords = true;
      if (token == JsonToken.START_ARRAY) {
        state = State.RECORDS;
      } else if (token == JsonToken.START_OBJECT) {
        state = State.ROOT_SINGLE;
      } else {
        throw TidewaterException.user(
            "%s: expected a JSON array of records or an object, found %s", where, describe(token));
      }
      return;
    }
    if (token != JsonToken.START_OBJECT) {
      throw TidewaterException.user(
          "%s: expected a JSON object holding records_path '%s', found %s",
          where, recordsPath, describe(token));
    }
    state = State.WALKING;
  }

  /** What {@link #walk} stopped at. */
  private enum Found {
    RECORDS,
    RECORD,
    END
  }

  /**
   * Walks the document's fields until the records at {@code records_path} start (an array, or one
   * object) or the document ends.
   */
  private Found walk() throws IOException {
    while (true) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return Found.END;
      }
      if (token == JsonToken.END_OBJECT) {
        if (path.isEmpty()) {
          return Found.END;
        }
        path.remove(path.size() - 1);
        continue;
      }
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (matches(recordsPath, name)) {
        foundRecords = true;
        if (value == JsonToken.START_ARRAY) {
          return Found.RECORDS;
        }
        if (value == JsonToken.START_OBJECT) {
          return Found.RECORD;
        }
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        throw TidewaterException.user(
            "%s: records_path '%s' holds %s, not an array of objects",
            where, recordsPath, describe(value));
      }
      JsonKeyPath match = wantedAt(name);
      if (match != null) {
        if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
          values.put(match, parser.getText());
        } else {
          parser.skipChildren();
        }
        continue;
      }
      if (value == JsonToken.START_OBJECT && leadsSomewhere(name)) {
        path.add(name);
        continue;
      }
      parser.skipChildren();
    }
  }

  private boolean matches(JsonKeyPath target, String name) {
    List<String> keys = target.keys();
    return keys.size() == path.size() + 1
        && keys.get(path.size()).equals(name)
        && keys.subList(0, path.size()).equals(path);
  }

  private JsonKeyPath wantedAt(String name) {
    for (JsonKeyPath each : wanted) {
      if (matches(each, name)) {
        return each;
      }
    }
    return null;
  }

  /** Whether {@code path + name} is a prefix of records_path or of a wanted path. */
  private boolean leadsSomewhere(String name) {
    if (isPrefix(recordsPath, name)) {
      return true;
    }
    for (JsonKeyPath each : wanted) {
      if (isPrefix(each, name)) {
        return true;
      }
    }
    return false;
  }

  private boolean isPrefix(JsonKeyPath target, String name) {
    List<String> keys = target.keys();
    return keys.size() > path.size() + 1
        && keys.get(path.size()).equals(name)
        && keys.subList(0, path.size()).equals(path);
  }

  /** Reads past the rest of the current record; returns its text as the page holds it. */
  String skipRecord() {
    try {
      JsonStreamContext outside = recordContext.getParent();
      while (!(parser.currentToken() == JsonToken.END_OBJECT
          && parser.getParsingContext() == outside)) {
        if (parser.nextToken() == null) {
          break;
        }
      }
      return text(recordStart, parser.currentLocation().getByteOffset());
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** A parse failure as a user error naming the page, its URL, line and column. */
  TidewaterException failure(IOException e) {
    if (e instanceof StreamReadException parse) {
      JsonLocation location = parse.getLocation();
      String at =
          location == null
              ? ""
              : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
      return TidewaterException.user(
          "%s: not valid JSON: %s%s", where, parse.getOriginalMessage(), at);
    }
    return TidewaterException.user("%s: cannot be read: %s", where, e.getMessage());
  }

  private static String describe(JsonToken token) {
    switch (token) {
      case START_ARRAY:
        return "an array";
      case START_OBJECT:
        return "an object";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return token.toString();
    }
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      throw TidewaterException.internal(e, "%s: cannot close the parser", where);
    }
  }
}
