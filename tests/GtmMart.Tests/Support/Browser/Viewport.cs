using PuppeteerSharp;

namespace GtmMart.Tests.Support.Browser;

/// <summary>The screen a page is laid out for, in CSS pixels; <paramref name="Mobile"/> honours the page's meta viewport and touch.</summary>
public sealed record Viewport(int Width, int Height, bool Mobile = false, double Scale = 1)
{
    /// <summary>A common laptop screen, 1366 × 768.</summary>
    public static Viewport Laptop { get; } = new(1366, 768);

    /// <summary>A laptop-wide window with more height, 1366 × 900.</summary>
    public static Viewport Desktop { get; } = new(1366, 900);

    /// <summary>A phone held upright, 390 × 844 at twice the pixel density, touch, meta viewport honoured.</summary>
    public static Viewport Phone { get; } = new(390, 844, Mobile: true, Scale: 2);

    internal ViewPortOptions Options => new()
    {
        Width = Width,
        Height = Height,
        IsMobile = Mobile,
        HasTouch = Mobile,
        DeviceScaleFactor = Scale,
    };
}
