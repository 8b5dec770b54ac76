using System;
using System.Buffers;

namespace PostHogRunbook.Engine.Redaction
{
    /// <summary>
    /// The two buffers a redaction writes its steps into, by turns: each step (a secret, a rule) reads the previous
    /// step's result and writes its own into the other buffer, so a line is redacted without a string per step.
    /// A stream keeps one for all its lines; the buffers are rented and go back on Dispose.
    /// </summary>
    internal sealed class RedactionWork : IDisposable
    {
        readonly char[]?[] buffers = new char[]?[2];
        int slot;
        int length;
        bool writing;

        /// <summary>Starts a step's result in the buffer the previous step did not write.</summary>
        public void Begin(int capacity)
        {
            if (writing)
            {
                throw new InvalidOperationException("A redaction step is already being written.");
            }

            writing = true;
            length = 0;
            Ensure(capacity);
        }

        public void Append(ReadOnlySpan<char> text)
        {
            Ensure(length + text.Length);
            text.CopyTo(buffers[slot].AsSpan(length));
            length += text.Length;
        }

        /// <summary>The step's result; the next step writes the other buffer.</summary>
        public ReadOnlySpan<char> End()
        {
            writing = false;
            var result = buffers[slot].AsSpan(0, length);
            slot = 1 - slot;
            return result;
        }

        /// <summary>Drops the step being written: the next Begin writes the same buffer again.</summary>
        public void Abandon()
        {
            writing = false;
            length = 0;
        }

        void Ensure(int capacity)
        {
            var buffer = buffers[slot];
            if (buffer != null && buffer.Length >= capacity)
            {
                return;
            }

            var larger = ArrayPool<char>.Shared.Rent(Math.Max(capacity, Math.Max(256, (buffer?.Length ?? 0) * 2)));
            if (buffer != null)
            {
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<char>.Shared.Return(buffer);
            }

            buffers[slot] = larger;
        }

        public void Dispose()
        {
            for (var i = 0; i < buffers.Length; i++)
            {
                if (buffers[i] is { } buffer)
                {
                    ArrayPool<char>.Shared.Return(buffer);
                    buffers[i] = null;
                }
            }
        }
    }
}
