using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PostHogRunbook.Engine.Redaction
{
    /// <summary>
    /// The redactor as a stream: bytes written to it come out of the destination redacted, line by line, however
    /// the writes cut the lines (a key split over two reads is still one key). Memory stays bounded by one line:
    /// a line longer than <see cref="MaxLineBytes"/> is redacted in pieces cut at a space or tab, where no
    /// credential the rules know continues; only a run of more than <see cref="MaxLineBytes"/> bytes without any
    /// blank is cut where it falls. Disposing flushes the last line (one without a line feed) and leaves the
    /// destination open.
    /// The whole lines of a write are scanned together first (<see cref="Redactor.FindCandidates"/>): the lines
    /// nothing could match go on as they came, in one write, and only the candidates are decoded and redacted,
    /// into buffers the stream keeps: a log of any size is redacted without allocating a line's worth of memory.
    /// </summary>
    public sealed class RedactingStream : Stream
    {
        /// <summary>The longest piece redacted at once.</summary>
        public const int MaxLineBytes = 64 * 1024;

        // The most bytes of whole lines scanned at once.
        const int ScanBytes = 128 * 1024;

        readonly Redactor redactor;
        readonly Stream destination;
        readonly RedactionTally? tally;
        // Rented, not allocated: a bundle opens one stream per container log (a hundred and more), and fresh
        // 64 K-element buffers each would be large-object-heap garbage that only a full collection frees.
        readonly byte[] pending = ArrayPool<byte>.Shared.Rent(MaxLineBytes);
        readonly char[] decoded = ArrayPool<char>.Shared.Rent(MaxLineBytes);
        readonly char[] lowered = ArrayPool<char>.Shared.Rent(MaxLineBytes);
        readonly byte[] scanned = ArrayPool<byte>.Shared.Rent(ScanBytes);
        readonly List<int> candidates = new();
        readonly RedactionWork work = new();
        byte[] encoded = Array.Empty<byte>();
        int pendingLength;
        bool closed;

        internal RedactingStream(Redactor redactor, Stream destination, RedactionTally? tally)
        {
            ArgumentNullException.ThrowIfNull(destination);
            this.redactor = redactor;
            this.destination = destination;
            this.tally = tally;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !closed;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            while (buffer.Length > 0)
            {
                // A line begun by an earlier write, a line longer than a scan, or every line when the user's patterns
                // may match anything: line by line.
                var window = buffer.Length > ScanBytes ? buffer[..ScanBytes] : buffer;
                var lastFeed = pendingLength > 0 || redactor.HasUserPatterns ? -1 : window.LastIndexOf((byte)'\n');
                if (lastFeed < 0)
                {
                    var feed = buffer.IndexOf((byte)'\n');
                    var take = feed >= 0 ? feed + 1 : buffer.Length;
                    WriteByLine(buffer[..take]);
                    buffer = buffer[take..];
                    continue;
                }

                WriteLines(window[..(lastFeed + 1)]);
                buffer = buffer[(lastFeed + 1)..];
            }
        }

        // Whole lines, nothing pending: the candidates line by line, the runs of lines between them as they came.
        void WriteLines(ReadOnlySpan<byte> lines)
        {
            candidates.Clear();
            redactor.FindCandidates(lines, scanned, candidates);
            if (candidates.Count == 0)
            {
                destination.Write(lines);
                return;
            }

            candidates.Sort();
            var done = 0;
            foreach (var at in candidates)
            {
                if (at < done)
                {
                    continue;
                }

                var start = lines[..at].LastIndexOf((byte)'\n') + 1;
                var end = at + lines[at..].IndexOf((byte)'\n') + 1;
                if (start > done)
                {
                    destination.Write(lines[done..start]);
                }

                WriteByLine(lines[start..end]);
                done = end;
            }

            if (done < lines.Length)
            {
                destination.Write(lines[done..]);
            }
        }

        // Bytes gathered into the pending line and redacted as each line (or long piece) completes.
        void WriteByLine(ReadOnlySpan<byte> buffer)
        {
            while (buffer.Length > 0)
            {
                var newline = buffer.IndexOf((byte)'\n');
                var take = newline >= 0 ? newline + 1 : buffer.Length;
                var room = MaxLineBytes - pendingLength;
                if (take > room)
                {
                    buffer[..room].CopyTo(pending.AsSpan(pendingLength));
                    pendingLength = MaxLineBytes;
                    buffer = buffer[room..];
                    EmitLongPiece();
                    continue;
                }

                buffer[..take].CopyTo(pending.AsSpan(pendingLength));
                pendingLength += take;
                buffer = buffer[take..];
                if (newline >= 0)
                {
                    EmitLine(pendingLength);
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        /// <summary>Writes the last, unterminated line, if any.</summary>
        public override void Flush()
        {
            ObjectDisposedException.ThrowIf(closed, this);
            if (pendingLength > 0)
            {
                EmitLine(pendingLength);
            }

            destination.Flush();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !closed)
            {
                try
                {
                    Flush();
                }
                finally
                {
                    closed = true;
                    ArrayPool<byte>.Shared.Return(pending);
                    ArrayPool<char>.Shared.Return(decoded);
                    ArrayPool<char>.Shared.Return(lowered);
                    ArrayPool<byte>.Shared.Return(scanned);
                    if (encoded.Length > 0)
                    {
                        ArrayPool<byte>.Shared.Return(encoded);
                    }

                    work.Dispose();
                }
            }

            base.Dispose(disposing);
        }

        // The buffer is full and holds no line feed: redact up to its last blank (kept with the piece), keep the rest.
        void EmitLongPiece()
        {
            var cut = pending.AsSpan(0, pendingLength).LastIndexOfAny((byte)' ', (byte)'\t') + 1;
            if (cut <= 0)
            {
                // No blank at all: cut where the bytes fall, but not inside a UTF-8 sequence.
                cut = pendingLength;
                while (cut > 0 && (pending[cut - 1] & 0xC0) == 0x80)
                {
                    cut--;
                }

                if (cut > 0 && pending[cut - 1] >= 0xC0)
                {
                    cut--;
                }

                cut = cut == 0 ? pendingLength : cut;
            }

            EmitLine(cut);
        }

        // Redacts the first `length` pending bytes (a line with its line feed, or a piece of a long one) and keeps the rest.
        void EmitLine(int length)
        {
            // Decoded into a buffer of its own first: most lines need nothing and are passed on as they came.
            var chars = Encoding.UTF8.GetChars(pending, 0, length, decoded, 0);
            var text = decoded.AsSpan(0, chars);
            if (redactor.MightRedact(text, lowered) && redactor.RedactCore(text, work, tally, out var redacted))
            {
                var bytes = Encoding.UTF8.GetMaxByteCount(redacted.Length);
                if (encoded.Length < bytes)
                {
                    if (encoded.Length > 0)
                    {
                        ArrayPool<byte>.Shared.Return(encoded);
                    }

                    encoded = ArrayPool<byte>.Shared.Rent(bytes);
                }

                destination.Write(encoded, 0, Encoding.UTF8.GetBytes(redacted, encoded));
            }
            else
            {
                destination.Write(pending, 0, length);
            }

            var rest = pendingLength - length;
            if (rest > 0)
            {
                Buffer.BlockCopy(pending, length, pending, 0, rest);
            }

            pendingLength = rest;
        }
    }
}
