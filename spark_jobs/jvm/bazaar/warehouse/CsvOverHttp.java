package bazaar.warehouse;

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
import org.apache.spark.sql.types.Decimal;
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
 * holds, numbers are written digit by digit, and the bytes gather in one array of our own rather
 * than a stream that takes a lock on every write). spark_jobs/sink.py shapes the frame first (times
 * as epoch seconds, marked {@value #EPOCH_SECONDS} in the column's metadata and written as ten
 * digits; the run's version) and builds the address; this class only turns rows into CSV and sends them.
 *
 * <p>Strings are always quoted, doubling any quote inside (a title may hold commas, quotes, line
 * breaks or start with a space); numbers never are (ClickHouse 18.16 reads no quoted decimal);
 * a missing value is an empty field, which ClickHouse reads as the column's default.
 */
public final class CsvOverHttp {
    private static final int BUFFER = 1 << 16;
    /** A whole-number column of epoch seconds, written with ten digits, which ClickHouse 18.16 and
     * current ClickHouse both read as an instant (fewer digits can read as a date). */
    public static final String EPOCH_SECONDS = "bazaar.epoch_seconds";
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
    enum Kind { STRING, LONG, INT, SHORT, BYTE, BOOLEAN, DOUBLE, FLOAT, DECIMAL, EPOCH_SECONDS }

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
        if (type.equals(DataTypes.LongType) && field.metadata().contains(EPOCH_SECONDS)) {
            return new Column(Kind.EPOCH_SECONDS, 0, 0);
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
            Csv out = new Csv(body, BUFFER);
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

    static void writeRow(Csv out, InternalRow row, Column[] columns) throws IOException {
        for (int index = 0; index < columns.length; index++) {
            if (index > 0) {
                out.put(',');
            }
            if (!row.isNullAt(index)) {
                writeValue(out, row, index, columns[index]);
            }
        }
        out.put('\n');
    }

    private static void writeValue(Csv out, InternalRow row, int index, Column column) throws IOException {
        switch (column.kind()) {
            case STRING -> out.putQuoted(row.getUTF8String(index));
            case LONG -> out.putLong(row.getLong(index));
            case INT -> out.putLong(row.getInt(index));
            case SHORT -> out.putLong(row.getShort(index));
            case BYTE -> out.putLong(row.getByte(index));
            case BOOLEAN -> out.put(row.getBoolean(index) ? '1' : '0');
            case DOUBLE -> out.putAscii(Double.toString(row.getDouble(index)));
            case FLOAT -> out.putAscii(Float.toString(row.getFloat(index)));
            case DECIMAL -> out.putDecimal(
                    row.getDecimal(index, column.precision(), column.scale()), column.precision(), column.scale());
            case EPOCH_SECONDS -> out.putDigits(row.getLong(index), 10);
        }
    }

    /**
     * The rows' bytes, gathered in one array and handed to the body a block at a time. A
     * BufferedOutputStream takes a lock on every write, and a number turned into a String first is an
     * object per value: here a number's digits go straight into the array.
     */
    static final class Csv {
        private static final long[] POWERS_OF_TEN = {
            1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
            10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
            1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L};
        private final OutputStream body;
        private final byte[] bytes;
        private int used;

        Csv(OutputStream body, int size) {
            this.body = body;
            this.bytes = new byte[size];
        }

        void put(char ascii) throws IOException {
            if (used == bytes.length) {
                drain();
            }
            bytes[used++] = (byte) ascii;
        }

        void put(byte[] from, int offset, int length) throws IOException {
            if (length > bytes.length - used) {
                drain();
                if (length > bytes.length) {
                    body.write(from, offset, length);
                    return;
                }
            }
            System.arraycopy(from, offset, bytes, used, length);
            used += length;
        }

        /** The string's UTF-8 bytes in quotes, each quote doubled (a quote byte is never part of a longer character). */
        void putQuoted(UTF8String text) throws IOException {
            byte[] utf8 = text.getBytes();
            put('"');
            int from = 0;
            for (int at = 0; at < utf8.length; at++) {
                if (utf8[at] == '"') {
                    put(utf8, from, at + 1 - from);
                    put('"');
                    from = at + 1;
                }
            }
            put(utf8, from, utf8.length - from);
            put('"');
        }

        void putAscii(String text) throws IOException {
            for (int at = 0; at < text.length(); at++) {
                put(text.charAt(at));
            }
        }

        void putLong(long value) throws IOException {
            if (value < 0) {
                if (value == Long.MIN_VALUE) { // no positive twin to write the digits of
                    putAscii(Long.toString(value));
                    return;
                }
                put('-');
                value = -value;
            }
            putDigits(value, 1);
        }

        /** A value of zero or more with at least `width` digits, zeros in front. */
        void putDigits(long value, int width) throws IOException {
            if (value < 0) {
                throw new IllegalArgumentException("Digits of a negative number: " + value);
            }
            int digits = 1;
            while (digits < POWERS_OF_TEN.length && value >= POWERS_OF_TEN[digits]) {
                digits++;
            }
            int length = Math.max(digits, width);
            if (length > bytes.length - used) {
                drain();
            }
            for (int at = used + length - 1; at >= used; at--) {
                bytes[at] = (byte) ('0' + value % 10);
                value /= 10;
            }
            used += length;
        }

        /** A decimal as its plain digits: from the unscaled whole number when it fits in a long, as Spark
         * keeps a decimal of up to 18 digits, else (or with a negative scale) through BigDecimal. */
        void putDecimal(Decimal value, int precision, int scale) throws IOException {
            if (precision > Decimal.MAX_LONG_DIGITS() || scale < 0 || scale >= POWERS_OF_TEN.length) {
                putAscii(value.toJavaBigDecimal().toPlainString());
                return;
            }
            long unscaled = value.toUnscaledLong();
            if (scale == 0) {
                putLong(unscaled);
                return;
            }
            if (unscaled < 0) {
                put('-');
                unscaled = -unscaled;
            }
            putDigits(unscaled / POWERS_OF_TEN[scale], 1);
            put('.');
            putDigits(unscaled % POWERS_OF_TEN[scale], scale);
        }

        /** Hands what is gathered to the body, then ends the body (its last chunk). */
        void close() throws IOException {
            drain();
            body.close();
        }

        private void drain() throws IOException {
            if (used > 0) {
                body.write(bytes, 0, used);
                used = 0;
            }
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
