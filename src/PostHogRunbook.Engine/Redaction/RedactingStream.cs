using System;
using System.Buffers;
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
    /// </summary>
    public sealed class RedactingStream : Stream
    {
        /// <summary>The longest piece redacted at once.</summary>
        public const int MaxLineBytes = 64 * 1024;

        readonly Redactor redactor;
        readonly Stream destination;
        readonly RedactionTally? tally;
        // Rented, not allocated: a bundle opens one stream per container log (a hundred and more), and three fresh
        // 64 K-element buffers each would be large-object-heap garbage that only a full collection frees.
        readonly byte[] pending = ArrayPool<byte>.Shared.Rent(MaxLineBytes);
        readonly char[] decoded = ArrayPool<char>.Shared.Rent(MaxLineBytes);
        readonly char[] lowered = ArrayPool<char>.Shared.Rent(MaxLineBytes);
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
            var redacted = redactor.MightRedact(decoded.AsSpan(0, chars), lowered) ? redactor.Redact(new string(decoded, 0, chars), tally) : null;
            if (redacted == null || redacted.AsSpan().SequenceEqual(decoded.AsSpan(0, chars)))
            {
                destination.Write(pending, 0, length);
            }
            else
            {
                destination.Write(Encoding.UTF8.GetBytes(redacted));
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
