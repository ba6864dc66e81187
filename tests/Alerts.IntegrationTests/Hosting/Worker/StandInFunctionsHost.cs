using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Hosting.Worker;

/// <summary>
/// The host side of the Azure Functions host↔worker protocol, enough to drive the real built app as the
/// Functions host does: a gRPC server for <c>FunctionRpc.EventStream</c>; the worker started as
/// <c>worker.config.json</c> says, with the host's arguments and environment; init, metadata and load
/// requests; invocations; and HTTP requests forwarded to the worker's own HTTP listener, as the host
/// proxies them for ASP.NET Core integration (<c>x-ms-invocation-id</c> pairs the two).
/// No Microsoft package offers this (worker #281 is open), hence this small stand-in.
/// </summary>
internal sealed class StandInFunctionsHost : IAsyncDisposable
{
    private readonly WebApplication _grpc;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<StartStream> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IServerStreamWriter<StreamingMessage>> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly StringBuilder _output = new();
    // The host forwards HTTP to the worker through a handler that retries a refused connection: the worker's
    // listener can start a moment after it answers the init request (the host's RetryProxyHandler: 10 tries, 50–250 ms apart).
    private int _disposed;
    private readonly HttpClient _http = new(new RetryProxyHandler(new SocketsHttpHandler())) { Timeout = TimeSpan.FromSeconds(60) };
    private Process? _worker;
    private List<RpcFunctionMetadata> _functions = [];

    private StandInFunctionsHost(WebApplication grpc, string appDirectory)
    {
        _grpc = grpc;
        AppDirectory = appDirectory;
    }

    public string AppDirectory { get; }

    /// <summary>Everything the worker logged through the host, as the host would forward it to its own logs.</summary>
    public ConcurrentQueue<RpcLog> Logs { get; } = new();

    /// <summary>Where the worker's ASP.NET Core listener is, from its <c>HttpUri</c> capability.</summary>
    public Uri HttpUri { get; private set; } = null!;

    public IReadOnlyList<RpcFunctionMetadata> Functions => _functions;

    /// <summary>The worker's own stdout and stderr, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<StandInFunctionsHost> StartAsync(string appDirectory)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = null);
        StandInFunctionsHost? host = null;
        builder.Services.AddSingleton(_ => host!);
        WebApplication app = builder.Build();
        app.MapGrpcService<EventStreamService>();
        host = new StandInFunctionsHost(app, appDirectory);
        await app.StartAsync();
        return host;
    }

    /// <summary>Starts the worker as the host does, and waits for it to open its event stream.</summary>
    public async Task StartWorkerAsync(IReadOnlyDictionary<string, string> appSettings)
    {
        using JsonDocument config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppDirectory, "worker.config.json")));
        JsonElement description = config.RootElement.GetProperty("description");
        string executable = description.GetProperty("defaultExecutablePath").GetString()!;
        string workerPath = description.GetProperty("defaultWorkerPath").GetString()!;

        var grpcUri = new Uri(_grpc.Urls.Single());
        string uri = grpcUri.ToString(), port = grpcUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string workerId = Guid.NewGuid().ToString(), requestId = Guid.NewGuid().ToString();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = AppDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The arguments the host passes (the legacy ones first, then the functions-* ones the worker reads).
        foreach (string arg in new[]
                 {
                     Path.Combine(AppDirectory, workerPath),
                     "--host", "127.0.0.1", "--port", port, "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", "2147483647",
                     "--functions-uri", uri, "--functions-worker-id", workerId, "--functions-request-id", requestId,
                     "--functions-grpc-max-message-length", "2147483647",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = AppDirectory;
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = AppDirectory;
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        foreach ((string name, string value) in appSettings)
        {
            start.Environment[name] = value;
        }

        _worker = Process.Start(start)!;
        _worker.OutputDataReceived += (_, e) => Capture(e.Data);
        _worker.ErrorDataReceived += (_, e) => Capture(e.Data);
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();

        Task exited = _worker.WaitForExitAsync();
        Task first = await Task.WhenAny(_started.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != _started.Task)
        {
            throw new InvalidOperationException($"The worker did not open its event stream ({(first == exited ? $"exited {_worker.ExitCode}" : "timed out")}):\n{Output}");
        }
    }

    /// <summary>WorkerInitRequest, as the host sends it first; keeps the worker's HttpUri capability.</summary>
    public async Task<WorkerInitResponse> InitAsync()
    {
        var init = new WorkerInitRequest
        {
            HostVersion = "4.1044.0",
            FunctionAppDirectory = AppDirectory,
            WorkerDirectory = AppDirectory,
        };
        init.Capabilities.Add("RpcHttpBodyOnly", "true");
        init.Capabilities.Add("TypedDataCollection", "true");
        init.Capabilities.Add("HandlesWorkerTerminateMessage", "true");
        WorkerInitResponse response = (await RequestAsync(new StreamingMessage { WorkerInitRequest = init })).WorkerInitResponse;
        if (response.Capabilities.TryGetValue("HttpUri", out string? httpUri))
        {
            HttpUri = new Uri(httpUri);
        }

        return response;
    }

    /// <summary>FunctionsMetadataRequest: the worker indexes its own functions (worker.config.json's workerIndexing).</summary>
    public async Task<FunctionMetadataResponse> MetadataAsync()
    {
        FunctionMetadataResponse response = (await RequestAsync(new StreamingMessage
        {
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = AppDirectory },
        })).FunctionMetadataResponse;
        _functions = [.. response.FunctionMetadataResults];
        return response;
    }

    /// <summary>FunctionLoadRequest for one function, with the metadata the worker gave.</summary>
    public async Task<FunctionLoadResponse> LoadAsync(RpcFunctionMetadata function) =>
        (await RequestAsync(new StreamingMessage
        {
            FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function },
        })).FunctionLoadResponse;

    /// <summary>A timer invocation, with the TimerInfo JSON the host's timer extension sends.</summary>
    public Task<InvocationResponse> InvokeTimerAsync(string functionName) =>
        InvokeAsync(functionName, new TypedData { Json = """{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}""" }, []);

    /// <summary>A queue invocation, as the queue extension sends one message: its text and its metadata.</summary>
    public Task<InvocationResponse> InvokeQueueAsync(string functionName, string message, long dequeueCount, string messageId) =>
        InvokeAsync(functionName, new TypedData { String = message }, new Dictionary<string, TypedData>
        {
            ["DequeueCount"] = new() { Json = dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["Id"] = new() { String = messageId },
        });

    /// <summary>
    /// An HTTP request as the host handles it: matched to an HTTP function by route and method (host.json's route
    /// prefix is empty), invoked over gRPC, and forwarded to the worker with the invocation id, both awaited.
    /// </summary>
    public async Task<(HttpResponseMessage Response, InvocationResponse Invocation)> SendAsync(HttpRequestMessage request)
    {
        string path = request.RequestUri!.OriginalString.Split('?')[0];
        RpcFunctionMetadata function = _functions.FirstOrDefault(f => HttpRouteMatches(f, request.Method.Method, path))
            ?? throw new InvalidOperationException($"No HTTP function serves {request.Method} {path}: the host would answer 404.");
        string invocationId = Guid.NewGuid().ToString();
        var http = new RpcHttp { Method = request.Method.Method, Url = new Uri(HttpUri, request.RequestUri!.OriginalString).ToString() };
        Task<InvocationResponse> invocation = InvokeAsync(function, new TypedData { Http = http }, [], invocationId);

        request.RequestUri = new Uri(HttpUri, request.RequestUri!.OriginalString);
        request.Headers.Add("x-ms-invocation-id", invocationId);
        HttpResponseMessage response = await _http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return (response, await invocation);
    }

    private Task<InvocationResponse> InvokeAsync(string functionName, TypedData trigger, Dictionary<string, TypedData> metadata) =>
        InvokeAsync(_functions.Single(f => f.Name == functionName), trigger, metadata, Guid.NewGuid().ToString());

    private async Task<InvocationResponse> InvokeAsync(RpcFunctionMetadata function, TypedData trigger, Dictionary<string, TypedData> metadata, string invocationId)
    {
        string triggerName = function.Bindings.Single(b => b.Value.Direction == BindingInfo.Types.Direction.In && b.Value.Type.EndsWith("Trigger", StringComparison.Ordinal)).Key;
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            // The host always sends the W3C trace context of the invocation; the worker requires it.
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01", TraceState = string.Empty },
        };
        request.InputData.Add(new ParameterBinding { Name = triggerName, Data = trigger });
        request.TriggerMetadata.Add(metadata);
        return (await RequestAsync(new StreamingMessage { InvocationRequest = request }, invocationId)).InvocationResponse;
    }

    private static bool HttpRouteMatches(RpcFunctionMetadata function, string method, string path)
    {
        string? raw = function.RawBindings.FirstOrDefault(b => b.Contains("\"httpTrigger\"", StringComparison.OrdinalIgnoreCase));
        if (raw is null)
        {
            return false;
        }

        using JsonDocument binding = JsonDocument.Parse(raw);
        string route = "/" + binding.RootElement.GetProperty("route").GetString(); // host.json's routePrefix is empty
        bool methodAllowed = binding.RootElement.GetProperty("methods").EnumerateArray().Any(m => string.Equals(m.GetString(), method, StringComparison.OrdinalIgnoreCase));
        int catchAll = route.IndexOf("{*", StringComparison.Ordinal);
        return methodAllowed && (catchAll < 0
            ? string.Equals(path, route, StringComparison.OrdinalIgnoreCase)
            : path.StartsWith(route[..catchAll], StringComparison.OrdinalIgnoreCase));
    }

    private async Task<StreamingMessage> RequestAsync(StreamingMessage message, string? correlation = null)
    {
        message.RequestId = Guid.NewGuid().ToString();
        var reply = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlation ?? message.RequestId] = reply;
        IServerStreamWriter<StreamingMessage> stream = await _stream.Task;
        await _writing.WaitAsync();
        try
        {
            await stream.WriteAsync(message);
        }
        finally
        {
            _writing.Release();
        }

        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private void Receive(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.StartStream:
                _started.TrySetResult(message.StartStream);
                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                Logs.Enqueue(message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                Complete(message.InvocationResponse.InvocationId, message);
                break;
            default:
                Complete(message.RequestId, message);
                break;
        }
    }

    private void Complete(string key, StreamingMessage message)
    {
        if (_pending.TryRemove(key, out TaskCompletionSource<StreamingMessage>? reply))
        {
            reply.TrySetResult(message);
        }
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Once: disposing the gRPC server's services reaches this host again (it is one of them).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_worker is { HasExited: false })
        {
            _worker.Kill(entireProcessTree: true);
            await _worker.WaitForExitAsync();
        }

        _worker?.Dispose();
        _http.Dispose();
        await _grpc.DisposeAsync();
        _writing.Dispose();
    }

    /// <summary>The host's end of the event stream: hands what the worker sends to the host, and lets it write back.</summary>
    private sealed class EventStreamService(StandInFunctionsHost host) : FunctionRpc.FunctionRpcBase
    {
        public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
        {
            host._stream.TrySetResult(responseStream);
            try
            {
                await foreach (StreamingMessage message in requestStream.ReadAllAsync(context.CancellationToken))
                {
                    host.Receive(message);
                }
            }
            catch (OperationCanceledException)
            {
                // The worker went away, or the stand-in is stopping.
            }
        }
    }
}
