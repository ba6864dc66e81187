using Azure.Data.Tables;

namespace Alerts.Supporters;

/// <summary>A stored import file read back as a stream, a few slices at a time, so it is never held whole.</summary>
internal sealed class ChunkStream(TableClient files, string id) : Stream
{
    private IAsyncEnumerator<TableEntity>? _chunks;
    private ReadOnlyMemory<byte> _current;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A slice is 60 KiB: eight to a page keeps each answer under half a megabyte.
        _chunks ??= files.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), maxPerPage: 8, cancellationToken: cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        while (_current.IsEmpty)
        {
            if (!await _chunks.MoveNextAsync())
            {
                return 0;
            }

            _current = _chunks.Current.GetBinary("Data") ?? [];
        }

        int n = Math.Min(buffer.Length, _current.Length);
        _current[..n].CopyTo(buffer);
        _current = _current[n..];
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the stored file asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_chunks is not null)
        {
            await _chunks.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
