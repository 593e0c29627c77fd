using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace GtmMart.Server.Hosting;

/// <summary>
/// The OpenAPI document of the REST routes (from the protos' <c>google.api.http</c> rules, via
/// Microsoft.AspNetCore.Grpc.Swagger), described with the protos' comments (the generated code's XML documentation).
/// </summary>
public static class OpenApi
{
    public static void Configure(SwaggerGenOptions swagger)
    {
        ArgumentNullException.ThrowIfNull(swagger);
        swagger.SwaggerDoc("v1", new OpenApiInfo
        {
            Title = "GtmMart API",
            Version = "v1",
            Description = "Opportunity and account scores, models, write-back and channel reporting (gtm.v1). " +
                "Every route needs the header 'authorization: Bearer <key>'; money is in int64 US cents. The same services speak gRPC on the gRPC address.",
        });
        var comments = Path.Combine(AppContext.BaseDirectory, "GtmMart.Contracts.xml");
        if (File.Exists(comments))
        {
            swagger.IncludeXmlComments(comments);
            swagger.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
        }

        swagger.AddSecurityDefinition("apiKey", new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key; the server holds only its SHA-256 hash (GTM_API_KEY_HASHES).",
        });
        swagger.AddSecurityRequirement(new OpenApiSecurityRequirement
        {
            [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "apiKey" } }] = [],
        });
    }
}
