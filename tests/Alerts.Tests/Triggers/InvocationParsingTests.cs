using System.Text.Json;

namespace Alerts.Triggers;

public sealed class InvocationParsingTests
{
    private static InvocationRequest Load(string sample) =>
        JsonSerializer.Deserialize<InvocationRequest>(
            File.ReadAllText(RepoPaths.Fixture("custom-handler-payloads", sample)), JsonSerializerOptions.Web)!;

    private static InvocationRequest Parse(string json) =>
        JsonSerializer.Deserialize<InvocationRequest>(json, JsonSerializerOptions.Web)!;

    [Fact]
    public void TimerFrom_WithScheduleStatus_ReadsLastAndNext()
    {
        TimerInvocation timer = TimerInvocation.From(Load("timer-request.monitor-on.json"), "timer");

        Assert.False(timer.IsPastDue);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T09:00:00.0123456+00:00", System.Globalization.CultureInfo.InvariantCulture), timer.LastRun);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), timer.NextRun);
    }

    [Fact]
    public void TimerFrom_WithNullScheduleStatus_HasNoLastRun()
    {
        TimerInvocation timer = TimerInvocation.From(Load("timer-request.monitor-off.json"), "timer");

        Assert.False(timer.IsPastDue);
        Assert.Null(timer.LastRun);
        Assert.Null(timer.NextRun);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00")]
    [InlineData("not a time")]
    [InlineData("")]
    public void TimerFrom_WithUnparseableLast_TreatsItAsUnknown(string last)
    {
        string json = JsonSerializer.Serialize(new
        {
            Data = new { timer = new { ScheduleStatus = new { Last = last, Next = "2026-11-23T10:00:00+00:00", LastUpdated = last }, IsPastDue = true } },
            Metadata = new { },
        });

        TimerInvocation timer = TimerInvocation.From(Parse(json), "timer");

        Assert.True(timer.IsPastDue);
        Assert.Null(timer.LastRun);
        Assert.NotNull(timer.NextRun);
    }

    [Fact]
    public void TimerFrom_WhenTimerObjectIsEncodedAsAString_DecodesIt()
    {
        var inner = JsonSerializer.Serialize(new { IsPastDue = true, ScheduleStatus = (object?)null });
        string json = JsonSerializer.Serialize(new { Data = new { timer = inner }, Metadata = new { } });

        Assert.True(TimerInvocation.From(Parse(json), "timer").IsPastDue);
    }

    [Fact]
    public void TimerFrom_WithoutTimerData_IsNotPastDue()
    {
        TimerInvocation timer = TimerInvocation.From(Parse("""{"Data":{},"Metadata":{}}"""), "timer");

        Assert.False(timer.IsPastDue);
        Assert.Null(timer.LastRun);
    }

    [Fact]
    public void QueueFrom_DoubleEncodedSample_YieldsTheOriginalMessageAndMetadata()
    {
        // The sample names its binding myQueueItem, as in the host docs.
        QueueInvocation queue = QueueInvocation.From(Load("queue-request.json"), "myQueueItem");

        using JsonDocument message = JsonDocument.Parse(queue.MessageText);
        Assert.Equal(3737, message.RootElement.GetProperty("billId").GetInt32());
        Assert.Equal("2nd reading", message.RootElement.GetProperty("stage").GetString());
        Assert.Equal(1, queue.DequeueCount);
        Assert.Equal("800ae4b3-bdd2-4c08-badd-f08e5a34b865", queue.MessageId);
    }

    [Fact]
    public void QueueFrom_SingleEncodedMessage_YieldsTheSameMessage()
    {
        string json = """
            {"Data":{"batch":"{\"billId\":3737,\"stage\":\"2nd reading\"}"},
             "Metadata":{"DequeueCount":3,"Id":"800ae4b3-bdd2-4c08-badd-f08e5a34b865"}}
            """;

        QueueInvocation queue = QueueInvocation.From(Parse(json), "batch");

        using JsonDocument message = JsonDocument.Parse(queue.MessageText);
        Assert.Equal(3737, message.RootElement.GetProperty("billId").GetInt32());
        Assert.Equal(3, queue.DequeueCount);
        Assert.Equal("800ae4b3-bdd2-4c08-badd-f08e5a34b865", queue.MessageId);
    }

    [Fact]
    public void QueueFrom_MessageAsJsonObject_YieldsItsJsonText()
    {
        QueueInvocation queue = QueueInvocation.From(Parse("""{"Data":{"batch":{"a":1}},"Metadata":{}}"""), "batch");

        Assert.Equal("""{"a":1}""", queue.MessageText);
        Assert.Equal(1, queue.DequeueCount);
    }

    [Theory]
    [InlineData("\"hello world\"")]          // single-encoded plain text
    [InlineData("\"\\\"hello world\\\"\"")]  // double-encoded plain text
    public void QueueFrom_PlainTextMessage_YieldsTheText(string encoded)
    {
        QueueInvocation queue = QueueInvocation.From(Parse("{\"Data\":{\"batch\":" + encoded + "},\"Metadata\":{}}"), "batch");

        Assert.Equal("hello world", queue.MessageText);
    }

    [Fact]
    public void QueueFrom_BindingMissing_Throws()
    {
        Assert.Throws<InvalidInvocationException>(() => QueueInvocation.From(Load("queue-request.json"), "batch"));
    }

    [Fact]
    public void GetData_MatchesBindingNameIgnoringCase()
    {
        InvocationRequest request = Parse("""{"Data":{"Timer":{"IsPastDue":true}},"Metadata":{}}""");

        Assert.True(TimerInvocation.From(request, "timer").IsPastDue);
    }

    [Fact]
    public void InvocationResult_SerialisesToTheHostsShape()
    {
        string json = JsonSerializer.Serialize(
            InvocationResult.WithLogs("checked 12 bills, 1 stage change, 240 alerts queued"), JsonSerializerOptions.Web);

        using JsonDocument actual = JsonDocument.Parse(json);
        using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("custom-handler-payloads", "response.timer.json")));
        Assert.Equal(
            expected.RootElement.EnumerateObject().Select(p => p.Name),
            actual.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Object, actual.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Empty(actual.RootElement.GetProperty("Outputs").EnumerateObject());
        Assert.Equal(
            expected.RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()),
            actual.RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(JsonValueKind.Null, actual.RootElement.GetProperty("ReturnValue").ValueKind);
    }
}
