using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace PostHogRunbook.Engine.Bundle
{
    /// <summary>One entry of the bundle as the manifest lists it: its size and the SHA-256 of its bytes.</summary>
    public sealed record BundleEntry(string Name, long Bytes, string Sha256);

    /// <summary>
    /// The zip being written, under a temporary name beside the final one and readable by its owner only. Entries
    /// go in one at a time (the writers of several log streams take turns); each is hashed as it is written.
    /// <see cref="CompleteAsync"/> moves the finished file into place; disposing an incomplete one deletes it, so
    /// a stop or a crash leaves nothing at the final path.
    /// </summary>
    internal sealed class BundleArchive : IDisposable
    {
        readonly SemaphoreSlim turn = new(1, 1);
        readonly List<BundleEntry> entries = new();
        readonly FileStream file;
        readonly ZipArchive zip;
        readonly string finalPath;
        bool completed;

        BundleArchive(string finalPath, string temporaryPath, FileStream file)
        {
            this.finalPath = finalPath;
            TemporaryPath = temporaryPath;
            this.file = file;
            zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
        }

        public string TemporaryPath { get; }

        public IReadOnlyList<BundleEntry> Entries => entries;

        public static BundleArchive Create(string finalPath)
        {
            var folder = Path.GetDirectoryName(finalPath) ?? ".";
            var temporary = Path.Combine(folder, "." + Path.GetFileName(finalPath) + "." + Guid.NewGuid().ToString("N")[..8] + ".partial");
            return new BundleArchive(finalPath, temporary, OwnerOnly(temporary, FileMode.CreateNew, FileAccess.ReadWrite));
        }

        /// <summary>A file only its owner may read or write (0600 where the system has modes).</summary>
        public static FileStream OwnerOnly(string path, FileMode mode, FileAccess access)
        {
            var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new FileStream(path, options);
        }

        /// <summary>An entry from bytes in hand (the small JSON documents).</summary>
        public Task AddAsync(string name, byte[] content, CancellationToken cancellationToken)
            => AddAsync(name, content.LongLength, Convert.ToHexString(SHA256.HashData(content)), output => output.WriteAsync(content, cancellationToken).AsTask(), cancellationToken);

        /// <summary>An entry copied from a file already redacted and hashed (a log stream's spool).</summary>
        public Task AddFileAsync(string name, string spool, long bytes, string sha256, CancellationToken cancellationToken)
            => AddAsync(name, bytes, sha256, async output =>
            {
                var source = new FileStream(spool, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.SequentialScan | FileOptions.Asynchronous });
                await using (source.ConfigureAwait(false))
                {
                    await source.CopyToAsync(output, 256 * 1024, cancellationToken).ConfigureAwait(false);
                }
            }, cancellationToken);

        async Task AddAsync(string name, long bytes, string sha256, Func<Stream, Task> write, CancellationToken cancellationToken)
        {
            await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                var output = entry.Open();
                await using (output.ConfigureAwait(false))
                {
                    await write(output).ConfigureAwait(false);
                }

                entries.Add(new BundleEntry(name, bytes, sha256));
            }
            finally
            {
                turn.Release();
            }
        }

        /// <summary>Closes the zip, hashes it, and moves it to the final path; returns its size and SHA-256.</summary>
        public async Task<(long Bytes, string Sha256)> CompleteAsync(bool overwrite, CancellationToken cancellationToken)
        {
            zip.Dispose();
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            var hash = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
            var length = file.Length;
            await file.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(TemporaryPath, finalPath, overwrite);
            completed = true;
            return (length, Convert.ToHexString(hash));
        }

        public void Dispose()
        {
            if (!completed)
            {
                // Thrown away unfinished: its central directory is never written, the file goes.
                file.Dispose();
                File.Delete(TemporaryPath);
            }

            turn.Dispose();
        }
    }
}
