package bazaar.warehouse;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes a DataFrame's rows into a ClickHouse table through the server's HTTP interface, from the
 * executors, each partition as one streamed INSERT ... FORMAT CSV.
 *
 * <p>The rows never leave the JVM, nor even Spark's own row format: no Python worker receives them
 * (handing Arrow batches to Python workers was two thirds of the incremental sync's time,
 * docs/benchmarks.md), and no Java object is made per value (strings go out as the UTF-8 bytes Spark
 * holds). spark_jobs/sink.py shapes the frame first (times as ten-digit epoch seconds, the run's
 * version) and builds the address; this class only turns rows into CSV and sends them.
 *
 * <p>Strings are always quoted, doubling any quote inside (a title may hold commas, quotes, line
 * breaks or start with a space); numbers never are (ClickHouse 18.16 reads no quoted decimal);
 * a missing value is an empty field, which ClickHouse reads as the column's default.
 */
public final class CsvOverHttp {
    private static final int BUFFER = 1 << 16;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "warehouse-writer-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private CsvOverHttp() {}

    /**
     * POSTs every row of {@code frame} to {@code address} (the INSERT and its settings in the query
     * string), with {@code authorization} as the Authorization header when it is not empty;
     * returns how many rows the server accepted. A partition whose rows stop moving for
     * {@code stalledSeconds} (a server that takes nothing more) fails, rather than waiting for ever:
     * sending has no timeout of its own.
     */
    public static long write(Dataset<Row> frame, String address, String authorization, long stalledSeconds) {
        Column[] columns = columns(frame.schema().fields());
        FlatMapFunction<Iterator<InternalRow>, Long> post = rows -> Collections.singletonList(
                rows.hasNext() ? send(rows, columns, address, authorization, stalledSeconds) : 0L).iterator();
        return frame.queryExecution().toRdd().toJavaRDD().mapPartitions(post).fold(0L, Long::sum);
    }

    /** How each column is written, decided once from the frame's schema rather than per value. */
    enum Kind { STRING, LONG, INT, SHORT, BYTE, BOOLEAN, DOUBLE, FLOAT, DECIMAL }

    record Column(Kind kind, int precision, int scale) implements Serializable {}

    /** The numeric and boolean types, each one object in Spark: looked up rather than tested in turn. */
    private static final Map<DataType, Kind> PLAIN_KINDS = Map.of(
            DataTypes.LongType, Kind.LONG,
            DataTypes.IntegerType, Kind.INT,
            DataTypes.ShortType, Kind.SHORT,
            DataTypes.ByteType, Kind.BYTE,
            DataTypes.BooleanType, Kind.BOOLEAN,
            DataTypes.DoubleType, Kind.DOUBLE,
            DataTypes.FloatType, Kind.FLOAT);

    static Column[] columns(StructField[] fields) {
        return Arrays.stream(fields).map(CsvOverHttp::column).toArray(Column[]::new);
    }

    private static Column column(StructField field) {
        DataType type = field.dataType();
        if (type instanceof StringType) {
            return new Column(Kind.STRING, 0, 0);
        }
        if (type instanceof DecimalType decimal) {
            return new Column(Kind.DECIMAL, decimal.precision(), decimal.scale());
        }
        Kind kind = PLAIN_KINDS.get(type);
        if (kind == null) {
            throw new IllegalArgumentException("CsvOverHttp writes strings, numbers and booleans; shape the column "
                    + field.name() + " (" + type.simpleString() + ") into one of those first");
        }
        return new Column(kind, 0, 0);
    }

    static long send(
            Iterator<InternalRow> rows, Column[] columns, String address, String authorization, long stalledSeconds)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(address).toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setChunkedStreamingMode(BUFFER);
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout((int) TimeUnit.SECONDS.toMillis(stalledSeconds));
        connection.setRequestProperty("Content-Type", "text/csv; charset=utf-8");
        if (!authorization.isEmpty()) {
            connection.setRequestProperty("Authorization", authorization);
        }
        long count = 0;
        // The body is only ended (its last chunk sent) once every row is in it. Anything that stops the
        // rows first (a failed read, a killed task, a stalled server) cuts the connection instead:
        // ClickHouse then keeps nothing of a partition under max_insert_block_size rows, and the retried
        // task writes it whole, rather than a half written once and again in full.
        Progress progress = Progress.watch(connection, TimeUnit.SECONDS.toMillis(stalledSeconds));
        Body body = null;
        try {
            body = new Body(connection.getOutputStream());
            OutputStream out = new BufferedOutputStream(body, BUFFER);
            while (rows.hasNext()) {
                writeRow(out, rows.next(), columns);
                if (++count % 1_000 == 0) {
                    progress.moved();
                }
            }
            out.close();
        } catch (Throwable failure) {
            if (!progress.finish()) { // the watchdog cut the connection first
                connection.disconnect();
                throw stall(stalledSeconds, failure);
            }
            // The server closed the connection while the rows were still going out: a refusal it made
            // after the first rows (a row it cannot read) is in its answer, which is read only then.
            // Reading it makes the JDK try to end the body, harmless only because a write that failed
            // means the socket is dead; after a failure of our own (a broken read) the body must be cut,
            // not ended, or the server would keep the rows sent so far.
            String refusal = body != null && body.brokenBy == failure ? refusal(connection) : null;
            connection.disconnect();
            if (refusal != null) {
                throw new IOException(refusal, failure);
            }
            throw failure;
        } finally {
            progress.finish();
        }
        if (progress.stalled()) { // cut just as the body ended: the retried task writes the partition again
            connection.disconnect();
            throw stall(stalledSeconds, null);
        }
        int status = connection.getResponseCode();
        if (status != HttpURLConnection.HTTP_OK) {
            throw new IOException(refused(status, connection));
        }
        connection.getInputStream().close();
        return count;
    }

    static void writeRow(OutputStream out, InternalRow row, Column[] columns) throws IOException {
        for (int index = 0; index < columns.length; index++) {
            if (index > 0) {
                out.write(',');
            }
            if (!row.isNullAt(index)) {
                writeValue(out, row, index, columns[index]);
            }
        }
        out.write('\n');
    }

    private static void writeValue(OutputStream out, InternalRow row, int index, Column column) throws IOException {
        switch (column.kind()) {
            case STRING -> writeQuoted(out, row.getUTF8String(index));
            case LONG -> writeAscii(out, Long.toString(row.getLong(index)));
            case INT -> writeAscii(out, Integer.toString(row.getInt(index)));
            case SHORT -> writeAscii(out, Short.toString(row.getShort(index)));
            case BYTE -> writeAscii(out, Byte.toString(row.getByte(index)));
            case BOOLEAN -> out.write(row.getBoolean(index) ? '1' : '0');
            case DOUBLE -> writeAscii(out, Double.toString(row.getDouble(index)));
            case FLOAT -> writeAscii(out, Float.toString(row.getFloat(index)));
            case DECIMAL -> writeAscii(
                    out, row.getDecimal(index, column.precision(), column.scale()).toJavaBigDecimal().toPlainString());
        }
    }

    /** The string's UTF-8 bytes in quotes, each quote doubled (a quote byte is never part of a longer character). */
    static void writeQuoted(OutputStream out, UTF8String text) throws IOException {
        byte[] bytes = text.getBytes();
        out.write('"');
        int from = 0;
        for (int at = 0; at < bytes.length; at++) {
            if (bytes[at] == '"') {
                out.write(bytes, from, at + 1 - from);
                out.write('"');
                from = at + 1;
            }
        }
        out.write(bytes, from, bytes.length - from);
        out.write('"');
    }

    private static void writeAscii(OutputStream out, String digits) throws IOException {
        for (int at = 0; at < digits.length(); at++) {
            out.write(digits.charAt(at));
        }
    }

    /** Cuts the connection when the rows stop moving: a write blocked on a stalled server then fails. */
    static final class Progress {
        private static final int RUNNING = 0;
        private static final int CUT = 1;
        private static final int DONE = 2;
        private final AtomicLong last = new AtomicLong(System.nanoTime());
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private ScheduledFuture<?> check;

        static Progress watch(HttpURLConnection connection, long stalledMillis) {
            Progress progress = new Progress();
            long every = Math.max(stalledMillis / 10, 10);
            progress.check = WATCHDOG.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - progress.last.get() > TimeUnit.MILLISECONDS.toNanos(stalledMillis)
                        && progress.state.compareAndSet(RUNNING, CUT)) {
                    connection.disconnect();
                }
            }, every, every, TimeUnit.MILLISECONDS);
            return progress;
        }

        void moved() {
            last.set(System.nanoTime());
        }

        /** Stops watching; false when the watchdog had already cut the connection. Once it returns
         * true, the watchdog never touches the connection again. */
        boolean finish() {
            check.cancel(false);
            return state.compareAndSet(RUNNING, DONE) || state.get() == DONE;
        }

        boolean stalled() {
            return state.get() == CUT;
        }
    }

    /** The request body as it goes to the socket, remembering the failure of a write to it. */
    static final class Body extends FilterOutputStream {
        volatile IOException brokenBy;

        Body(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int value) throws IOException {
            remembering(() -> out.write(value));
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            remembering(() -> out.write(bytes, offset, length));
        }

        @Override
        public void flush() throws IOException {
            remembering(out::flush);
        }

        @Override
        public void close() throws IOException {
            remembering(out::close); // the body's last chunk
        }

        private void remembering(SocketWrite write) throws IOException {
            try {
                write.run();
            } catch (IOException failure) {
                brokenBy = failure;
                throw failure;
            }
        }
    }

    @FunctionalInterface
    private interface SocketWrite {
        void run() throws IOException;
    }

    /** What the server answered before it closed the connection, when it answered anything. */
    private static String refusal(HttpURLConnection connection) {
        int status;
        try {
            status = connection.getResponseCode();
        } catch (IOException | RuntimeException noAnswer) {
            return null;
        }
        if (status <= 0 || status == HttpURLConnection.HTTP_OK) {
            return null;
        }
        try {
            return refused(status, connection);
        } catch (IOException | RuntimeException unreadable) { // the status, at least
            return "ClickHouse refused the rows (HTTP " + status + ")";
        }
    }

    private static IOException stall(long stalledSeconds, Throwable cause) {
        return new IOException("ClickHouse took no rows for " + stalledSeconds + " s: the connection was cut", cause);
    }

    private static String refused(int status, HttpURLConnection connection) throws IOException {
        return "ClickHouse refused the rows (HTTP " + status + "): " + answer(connection);
    }

    private static String answer(HttpURLConnection connection) throws IOException {
        try (InputStream error = connection.getErrorStream()) {
            if (error == null) {
                return "";
            }
            return new String(error.readNBytes(2_000), StandardCharsets.UTF_8).strip();
        }
    }
}
