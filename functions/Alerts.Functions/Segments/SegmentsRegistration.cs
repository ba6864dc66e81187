namespace Alerts.Segments;

internal static class SegmentsRegistration
{
    /// <summary>Who a campaign goes to: saved segments, the index they are read from, and their evaluation.</summary>
    public static IHostApplicationBuilder AddSegments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SegmentIndex>();
        builder.Services.AddSingleton<SegmentStore>();
        builder.Services.AddSingleton<SegmentEvaluator>();
        return builder;
    }
}
