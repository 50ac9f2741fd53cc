using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace SparkShip.Tasks.Archives;

/// <summary>A buffered entry, compressed (or not) and ready to be written.</summary>
internal sealed class BufferedEntry
{
    public BufferedEntry(uint crc, int size, bool stored, byte[] data, int dataLength)
    {
        Crc = crc;
        Size = size;
        Stored = stored;
        Data = data;
        DataLength = dataLength;
    }

    public uint Crc { get; }
    public int Size { get; }
    public bool Stored { get; }

    /// <summary>Rented from <see cref="ArrayPool{T}.Shared"/>; only the first <see cref="DataLength"/> bytes count.</summary>
    public byte[] Data { get; }
    public int DataLength { get; }

    /// <summary>Reads, checksums and deflates one source file; keeps the deflated bytes only if they are smaller.</summary>
    public static BufferedEntry Create(ZipEntrySource source, DeflateLevel level)
    {
        byte[] raw = SourceFiles.ReadAll(source, ZipWriteOptions.MaxInMemoryLimit, out int size);
        uint crc = Crc32.HashToUInt32(new ReadOnlySpan<byte>(raw, 0, size));
        if (size == 0)
        {
            return new BufferedEntry(crc, 0, stored: true, raw, 0);
        }

        // The deflated bytes must be shorter than the input to be kept, so a sink of size - 1 bytes suffices,
        // and compressing can stop as soon as it overflows (typical for already-compressed files such as jars).
        byte[] packed = ArrayPool<byte>.Shared.Rent(size - 1);
        var sink = new BoundedSink(packed, size - 1);
        using (var deflate = level.Open(sink))
        {
            for (int offset = 0; offset < size && !sink.Overflowed; offset += ChunkSize)
            {
                deflate.Write(raw, offset, Math.Min(ChunkSize, size - offset));
            }
        }

        if (sink.Overflowed)
        {
            ArrayPool<byte>.Shared.Return(packed);
            return new BufferedEntry(crc, size, stored: true, raw, size);
        }

        ArrayPool<byte>.Shared.Return(raw);
        return new BufferedEntry(crc, size, stored: false, packed, sink.Count);
    }

    public void ReturnBuffer() => ArrayPool<byte>.Shared.Return(Data);

    private const int ChunkSize = 64 * 1024;

    /// <summary>Write-only stream into a fixed buffer that drops everything once a write would not fit.</summary>
    private sealed class BoundedSink : Stream
    {
        private readonly byte[] _buffer;
        private readonly int _capacity;

        public BoundedSink(byte[] buffer, int capacity)
        {
            _buffer = buffer;
            _capacity = capacity;
        }

        private int _length;

        public bool Overflowed { get; private set; }

        /// <summary>Bytes held, valid while not <see cref="Overflowed"/>.</summary>
        public int Count => _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Overflowed)
            {
                return;
            }

            if (count > _capacity - _length)
            {
                Overflowed = true;
                return;
            }

            Buffer.BlockCopy(buffer, offset, _buffer, _length, count);
            _length += count;
        }

#if NET
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Overflowed)
            {
                return;
            }

            if (buffer.Length > _capacity - _length)
            {
                Overflowed = true;
                return;
            }

            buffer.CopyTo(_buffer.AsSpan(_length));
            _length += buffer.Length;
        }
#endif

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>
/// Compresses the buffered entries on worker threads, ahead of the writer but never more than a fixed window of
/// entries ahead, and hands them out strictly by index. Entries not marked buffered are skipped (the writer streams
/// them itself). Worker failures are handed to the writer when it reaches that entry, so the error reported is
/// the first one in entry order, whatever the timing.
/// </summary>
internal sealed class CompressionPipeline : IDisposable
{
    private readonly IReadOnlyList<ZipEntrySource> _entries;
    private readonly bool[] _buffered;
    private readonly DeflateLevel _level;
    private readonly CancellationToken _cancellationToken;
    private readonly ZipWriteDiagnostics? _diagnostics;
    private readonly object _gate = new object();
    private readonly int _window;

    /// <summary>Ring of finished entries: entry i sits at i % window. Workers only claim i below
    /// <see cref="_nextToWrite"/> + window, so slots never collide.</summary>
    private readonly Outcome?[] _slots;
    private readonly List<Thread> _workers = new List<Thread>();

    private int _nextToClaim;
    private int _nextToWrite;
    private int _inFlight;
    private bool _stopping;

    public CompressionPipeline(IReadOnlyList<ZipEntrySource> entries, bool[] buffered, DeflateLevel level, int maxParallelism,
        CancellationToken cancellationToken, ZipWriteDiagnostics? diagnostics)
    {
        _entries = entries;
        _buffered = buffered;
        _level = level;
        _cancellationToken = cancellationToken;
        _diagnostics = diagnostics;
        _window = 2 * maxParallelism;
        _slots = new Outcome?[_window];

        int bufferedCount = 0;
        foreach (bool b in buffered)
        {
            bufferedCount += b ? 1 : 0;
        }

        // Dedicated threads rather than pool tasks: they block while the window is full, and MSBuild's pool is shared.
        int threads = Math.Min(maxParallelism, bufferedCount);
        for (int t = 0; t < threads; t++)
        {
            var thread = new Thread(Work) { IsBackground = true, Name = "SparkShip zip compressor " + t };
            _workers.Add(thread);
            thread.Start();
        }

        if (diagnostics != null)
        {
            diagnostics.WorkerThreads = threads;
        }
    }

    /// <summary>Waits for buffered entry <paramref name="index"/> and returns it; rethrows its failure.</summary>
    public BufferedEntry Take(int index)
    {
        Outcome outcome;
        lock (_gate)
        {
            int slot = index % _window;
            while (_slots[slot] == null)
            {
                Monitor.Wait(_gate);
            }

            outcome = _slots[slot]!;
            _slots[slot] = null;
        }

        outcome.Failure?.Throw();
        return outcome.Entry!;
    }

    /// <summary>Tells the workers that entry <paramref name="index"/> (buffered or not) has been written.</summary>
    public void Completed(int index)
    {
        lock (_gate)
        {
            _nextToWrite = index + 1;
            if (_buffered[index])
            {
                _inFlight--;
            }

            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops the workers after their current entry and waits for them.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        foreach (Thread worker in _workers)
        {
            worker.Join();
        }
    }

    private void Work()
    {
        while (true)
        {
            int index;
            lock (_gate)
            {
                while (true)
                {
                    while (_nextToClaim < _entries.Count && !_buffered[_nextToClaim])
                    {
                        _nextToClaim++;
                    }

                    if (_stopping || _nextToClaim >= _entries.Count)
                    {
                        return;
                    }

                    if (_nextToClaim < _nextToWrite + _window)
                    {
                        break;
                    }

                    Monitor.Wait(_gate);
                }

                index = _nextToClaim++;
                _inFlight++;
                if (_diagnostics != null && _inFlight > _diagnostics.MaxBuffersInFlight)
                {
                    _diagnostics.MaxBuffersInFlight = _inFlight;
                }
            }

            Outcome outcome;
            try
            {
                // On cancellation keep claiming, failing fast: the writer may be waiting for exactly this entry.
                _cancellationToken.ThrowIfCancellationRequested();
                outcome = new Outcome(BufferedEntry.Create(_entries[index], _level), null);
            }
            catch (Exception ex)
            {
                outcome = new Outcome(null, ExceptionDispatchInfo.Capture(ex));
            }

            lock (_gate)
            {
                _slots[index % _window] = outcome;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private sealed class Outcome
    {
        public Outcome(BufferedEntry? entry, ExceptionDispatchInfo? failure)
        {
            Entry = entry;
            Failure = failure;
        }

        public BufferedEntry? Entry { get; }
        public ExceptionDispatchInfo? Failure { get; }
    }
}
