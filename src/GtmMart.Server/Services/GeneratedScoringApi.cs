using Grpc.Core;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Services;

/// <summary>
/// <see cref="ScoringApi"/> bound as protobuf's generated code binds it (generated marshallers, generated
/// serializer): the reference the hand-written encoder is measured against (<see cref="ServerOptions.HandWrittenAnswers"/>).
/// </summary>
[BindServiceMethod(typeof(ScoringService), nameof(ScoringService.BindService))]
public sealed class GeneratedScoringApi(ServingAccess serving) : ScoringApi(serving);
