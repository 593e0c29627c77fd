using System.Globalization;
using System.Numerics;

namespace GtmMart.Warehouse.Attribution;

/// <summary>
/// An exact rational number (BigInteger numerator and positive denominator, always reduced). The Markov solve uses it
/// so that removal effects are exact: no rounding inside the elimination, and the same counts give the same shares
/// bit for bit on any machine.
/// </summary>
public readonly record struct Fraction
{
    private Fraction(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("A fraction's denominator is zero.");
        }

        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        Numerator = gcd.IsOne || gcd.IsZero ? numerator : numerator / gcd;
        Denominator = gcd.IsOne || gcd.IsZero ? denominator : denominator / gcd;
    }

    public static Fraction Zero { get; } = new(0, 1);

    public static Fraction One { get; } = new(1, 1);

    public BigInteger Numerator { get; }

    public BigInteger Denominator { get; }

    public bool IsZero => Numerator.IsZero;

    public static Fraction Of(BigInteger numerator, BigInteger denominator) => new(numerator, denominator);

    public static Fraction operator +(Fraction a, Fraction b) => new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Fraction operator -(Fraction a, Fraction b) => new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Fraction operator *(Fraction a, Fraction b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Fraction operator /(Fraction a, Fraction b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    /// <summary>Rounded half away from zero to <paramref name="decimals"/> places (at most 28).</summary>
    public decimal ToDecimal(int decimals)
    {
        var scale = BigInteger.Pow(10, decimals);
        var scaled = BigInteger.DivRem(BigInteger.Abs(Numerator) * scale * 2 + Denominator, Denominator * 2).Quotient;
        return decimal.Parse(scaled.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) / (decimal)Math.Pow(10, decimals) * Numerator.Sign;
    }

    public double ToDouble() => (double)ToDecimal(17);

    public override string ToString() => $"{Numerator}/{Denominator}";
}
