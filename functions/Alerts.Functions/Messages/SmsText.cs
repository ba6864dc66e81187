namespace Alerts.Messages;

public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}

public sealed record SmsInfo(SmsEncoding Encoding, int Characters, int Segments);

/// <summary>How an SMS body is billed: GSM-7 (160 a segment, 153 when split) or UCS-2 (70, 67 when split).</summary>
internal static class SmsText
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Characters of the GSM-7 extension table take two septets (escape + character).
    private const string Extended = "^{}\\[~]|€\f";

    public static SmsInfo Measure(string body)
    {
        int septets = 0;
        foreach (char c in body)
        {
            if (Basic.Contains(c, StringComparison.Ordinal))
            {
                septets++;
            }
            else if (Extended.Contains(c, StringComparison.Ordinal))
            {
                septets += 2;
            }
            else
            {
                int units = body.Length; // UTF-16 code units, as carriers count UCS-2
                return new SmsInfo(SmsEncoding.Ucs2, units, units <= 70 ? 1 : (units + 66) / 67);
            }
        }

        return new SmsInfo(SmsEncoding.Gsm7, septets, septets <= 160 ? 1 : (septets + 152) / 153);
    }
}
