using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Segments;

public sealed record SegmentResponse(string Id, SegmentDefinition Definition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Staff endpoints for saved segments and their sizes.</summary>
internal static class SegmentsApi
{
    public static RouteGroupBuilder MapSegmentsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/segments", CreateAsync).WithName("CreateSegment");
        api.MapGet("/segments", ListAsync).WithName("ListSegments");
        api.MapGet("/segments/{segmentId}", GetAsync).WithName("GetSegment");
        api.MapPut("/segments/{segmentId}", ReplaceAsync).WithName("ReplaceSegment");
        api.MapDelete("/segments/{segmentId}", DeleteAsync).WithName("DeleteSegment");
        api.MapGet("/segments/{segmentId}/count", CountAsync).WithName("CountSegment");
        api.MapPost("/segments/preview", PreviewAsync).WithName("PreviewSegment");
        return api;
    }

    private static async Task<Results<Created<SegmentResponse>, ValidationProblem>> CreateAsync(
        SegmentDefinition definition, SegmentStore segments, TimeProvider time, CancellationToken cancellationToken)
    {
        if (definition.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        Segment segment = await segments.CreateAsync(definition, time.GetUtcNow(), cancellationToken);
        return TypedResults.Created($"/api/v1/segments/{segment.Id}", ToResponse(segment));
    }

    private static async Task<Ok<List<SegmentResponse>>> ListAsync(SegmentStore segments, CancellationToken cancellationToken) =>
        TypedResults.Ok((await segments.ListAsync(cancellationToken)).Select(ToResponse).ToList());

    private static async Task<Results<Ok<SegmentResponse>, NotFound>> GetAsync(string segmentId, SegmentStore segments, CancellationToken cancellationToken) =>
        await segments.GetAsync(segmentId, cancellationToken) is { } segment ? TypedResults.Ok(ToResponse(segment)) : TypedResults.NotFound();

    private static async Task<Results<Ok<SegmentResponse>, NotFound, ValidationProblem>> ReplaceAsync(
        string segmentId, SegmentDefinition definition, SegmentStore segments, TimeProvider time, CancellationToken cancellationToken)
    {
        if (definition.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await segments.GetAsync(segmentId, cancellationToken) is not { } existing)
        {
            return TypedResults.NotFound();
        }

        Segment replaced = existing with { Definition = definition, UpdatedAt = time.GetUtcNow() };
        return await segments.ReplaceAsync(replaced, cancellationToken) ? TypedResults.Ok(ToResponse(replaced)) : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string segmentId, SegmentStore segments, CancellationToken cancellationToken) =>
        await segments.DeleteAsync(segmentId, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<SegmentCounts>, NotFound>> CountAsync(
        string segmentId, SegmentStore segments, SegmentEvaluator evaluator, CancellationToken cancellationToken) =>
        await segments.GetAsync(segmentId, cancellationToken) is { } segment
            ? TypedResults.Ok(await evaluator.CountAsync(segment.Definition, cancellationToken))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<SegmentCounts>, ValidationProblem>> PreviewAsync(
        SegmentDefinition definition, SegmentEvaluator evaluator, CancellationToken cancellationToken)
    {
        Dictionary<string, string[]> errors = definition.Validate();
        errors.Remove("name"); // an unsaved definition needs no name
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await evaluator.CountAsync(definition, cancellationToken));
    }

    internal static SegmentResponse ToResponse(Segment s) => new(s.Id, s.Definition, s.CreatedAt, s.UpdatedAt);
}
