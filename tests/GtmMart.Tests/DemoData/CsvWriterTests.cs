using System.Text;
using GtmMart.DemoData.Writers;

namespace GtmMart.Tests.DemoData;

public sealed class CsvWriterTests
{
    [Fact]
    public void Fields_are_quoted_only_when_needed()
    {
        var text = Write(csv =>
        {
            csv.WriteHeader("a", "b", "c", "d", "e");
            csv.Field("plain");
            csv.Field("with, comma");
            csv.Field("say \"hi\"");
            csv.Field("two\nlines");
            csv.Empty();
            csv.EndRow();
        });
        Assert.Equal("a,b,c,d,e\nplain,\"with, comma\",\"say \"\"hi\"\"\",\"two\nlines\",\n", text);
    }

    [Fact]
    public void Numbers_dates_and_ids_use_invariant_fixed_formats()
    {
        var text = Write(csv =>
        {
            csv.Id("ACCT"u8, 42, 6);
            csv.Id("S"u8, 1_234_567, 3);
            csv.Cents(123_456);
            csv.Cents(5);
            csv.Cents(0);
            csv.Field(0);
            csv.Field(1_234_567_890_123L);
            csv.Date(new DateOnly(2025, 3, 9));
            csv.Fixed(0.1234567, 6);
            csv.Field(CsvFormat.Utf8("Closed Won"));
            csv.Field(CsvFormat.Utf8("/"));
            csv.EndRow();
        });
        Assert.Equal("ACCT000042,S1234567,1234.56,0.05,0.00,0,1234567890123,2025-03-09,0.123457,Closed Won,/\n", text);
    }

    [Fact]
    public void Large_outputs_survive_buffer_flushes()
    {
        var text = Write(csv =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                csv.Id("U"u8, i, 7);
                csv.Field(i % 10);
                csv.EndRow();
            }
        });
        var lines = text.Split('\n');
        Assert.Equal(100_001, lines.Length);
        Assert.Equal("U0099999,9", lines[99_999]);
    }

    [Fact]
    public void Pre_encoded_values_that_would_need_quotes_are_rejected() =>
        Assert.Throws<ArgumentException>(() => CsvFormat.Utf8("a,b"));

    [Fact]
    public void Sequential_ids_increment_and_widen()
    {
        var id = new SequentialId("S", 98, 2);
        Assert.Equal("S98", Encoding.ASCII.GetString(id.Current));
        id.Increment();
        Assert.Equal("S99", Encoding.ASCII.GetString(id.Current));
        id.Increment();
        Assert.Equal("S100", Encoding.ASCII.GetString(id.Current));
        id.Increment();
        Assert.Equal("S101", Encoding.ASCII.GetString(id.Current));
    }

    private static string Write(Action<CsvWriter> write)
    {
        using var stream = new MemoryStream();
        using (var csv = new CsvWriter(new KeepOpenStream(stream)))
        {
            write(csv);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed class KeepOpenStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
