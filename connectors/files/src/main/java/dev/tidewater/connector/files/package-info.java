/**
 * The FILES source: CSV, JSON and JSON Lines files on the local disk as one table.
 *
 * <p>Options (keys are case-insensitive): {@code location} (required: a file, a directory, a glob
 * such as {@code /data/landing/*.csv} or {@code /data/**}{@code /*.jsonl}, or a {@code file:} URI;
 * {@code .gz}, {@code .zst} and {@code .bz2} files are decompressed), {@code format} ({@code csv |
 * json | jsonl}; default from the extension), for CSV {@code header} (true), {@code delimiter}
 * ({@code ,}; {@code tab} or {@code \t} for tabs), {@code quote} ({@code "}; {@code ''} for none),
 * {@code escape} (none: quotes are doubled; when set, files are read with Jackson's CSV parser
 * instead of FastCSV), {@code null_value} (empty), {@code encoding} (UTF-8), and for all formats
 * {@code sample_rows} (10000 records used to infer types), {@code columns} (type overrides such as
 * {@code 'zip VARCHAR, amount DECIMAL(10,2)'}), and for JSON {@code records_path} (e.g. {@code
 * $.data.items}). Type inference is described in {@link
 * dev.tidewater.connector.text.TypeInference}.
 *
 * <p>Records that cannot be read fail the read, or go to the request's {@code RecordRejections}
 * with their text as the file holds it (see {@link dev.tidewater.connector.files.InputHistory});
 * columns the request names in {@code textColumns} are read as VARCHAR.
 */
package dev.tidewater.connector.files;
