namespace Alerts.Supporters;

/// <summary>The email and phone of an input, normalised; null when not given, "" when being cleared.</summary>
internal sealed record NormalisedContact(string? Email, string? Phone, string? Postcode, IReadOnlyList<string>? Tags);

/// <summary>What a valid supporter input is, and how it changes a supporter.</summary>
internal static class SupporterRules
{
    public static Dictionary<string, string[]> Validate(SupporterInput input, bool creating, DateTimeOffset now, out NormalisedContact contact)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string? message)
        {
            if (message is not null)
            {
                errors[field] = [message];
            }
        }

        Fail("firstName", ContactValidation.ValidateName(input.FirstName));
        Fail("lastName", ContactValidation.ValidateName(input.LastName));

        string? email = null, phone = null, postcode = null, error;
        if (input.Email is { Length: > 0 })
        {
            email = ContactValidation.NormaliseEmail(input.Email, out error);
            Fail("email", error);
        }

        if (input.Phone is { Length: > 0 })
        {
            phone = ContactValidation.NormaliseMobile(input.Phone, out error);
            Fail("phone", error);
        }

        if (input.Postcode is { Length: > 0 })
        {
            postcode = ContactValidation.NormalisePostcode(input.Postcode, out error);
            Fail("postcode", error);
        }

        if (creating && email is null && phone is null && !errors.ContainsKey("email") && !errors.ContainsKey("phone"))
        {
            Fail("email", "A supporter needs an email address or a mobile number.");
        }

        List<string>? tags = null;
        if (input.Tags?.Any(t => t is null) == true)
        {
            Fail("tags", "Tags must not be null.");
        }
        else if (input.Tags is not null)
        {
            tags = input.Tags.Select(t => t.Trim().ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
            Fail("tags", tags.Count > ContactValidation.MaxTags ? $"At most {ContactValidation.MaxTags} tags." : tags.Select(ContactValidation.ValidateTag).FirstOrDefault(e => e is not null));
        }

        ValidateConsent(input.EmailConsent, "emailConsent", now, errors);
        ValidateConsent(input.SmsConsent, "smsConsent", now, errors);

        contact = new NormalisedContact(
            input.Email == "" ? "" : email, input.Phone == "" ? "" : phone, input.Postcode == "" ? "" : postcode, tags);
        return errors;
    }

    /// <summary>
    /// The supporter after the input is applied. <paramref name="keptWithdrawn"/> names the channels whose
    /// withdrawn consent the input asked to grant without a consent date after the withdrawal: those stay
    /// withdrawn (invariant 9: only the supporter, with a new dated consent or START, restores it).
    /// </summary>
    public static Supporter Apply(
        Supporter? previous, SupporterInput input, NormalisedContact contact, string source, DateTimeOffset now, string id, out IReadOnlyList<Channel> keptWithdrawn)
    {
        static string? Pick(string? given, string? previous) => given is null ? previous : given.Length == 0 ? null : given.Trim();

        var kept = new List<Channel>();
        ChannelConsent Consent(Channel channel, ChannelConsent? before, ConsentInput? given)
        {
            if (KeepsWithdrawal(before, given))
            {
                kept.Add(channel);
                return before!;
            }

            return ApplyConsent(before, given, source, now);
        }

        ChannelConsent email = Consent(Channel.Email, previous?.EmailConsent, input.EmailConsent);
        ChannelConsent sms = Consent(Channel.Sms, previous?.SmsConsent, input.SmsConsent);
        keptWithdrawn = kept;
        return new Supporter(
            id,
            Pick(input.FirstName, previous?.FirstName),
            Pick(input.LastName, previous?.LastName),
            Pick(contact.Email, previous?.Email),
            Pick(contact.Phone, previous?.Phone),
            Pick(contact.Postcode, previous?.Postcode),
            previous?.Constituency,
            previous?.MpName,
            previous?.MpMemberId,
            previous?.Enrichment ?? EnrichmentStatus.None,
            contact.Tags ?? previous?.Tags ?? [],
            email,
            sms,
            previous?.CreatedAt ?? now,
            now);
    }

    /// <summary>
    /// A grant over a withdrawal is a new consent only if it says when it was given, and that is after the
    /// withdrawal. Without a date it is an old list replayed (or a form re-submitted) and changes nothing.
    /// </summary>
    public static bool KeepsWithdrawal(ChannelConsent? before, ConsentInput? given) =>
        given is { Status: ConsentStatus.Granted } && before is { Status: ConsentStatus.Withdrawn }
        && !(given.ObtainedAt is { } at && at > (before.At ?? DateTimeOffset.MinValue));

    /// <summary>The words staff and import reports use for a kept withdrawal.</summary>
    public static string KeptWithdrawnReason(ChannelConsent withdrawn) =>
        FormattableString.Invariant($"Kept withdrawn: the supporter withdrew consent on {withdrawn.At:yyyy-MM-dd HH:mm} UTC ({withdrawn.Source}). Only a consent dated after that restores it.");

    /// <summary>A consent the supporter gave by their own act (texting START): dated now, basis consent.</summary>
    public static ChannelConsent OwnConsent(string source, DateTimeOffset now) => new(ConsentStatus.Granted, LawfulBasis.Consent, source, now);

    private static ChannelConsent ApplyConsent(ChannelConsent? previous, ConsentInput? input, string source, DateTimeOffset now)
    {
        if (input is null)
        {
            return previous ?? ChannelConsent.None;
        }

        var next = new ChannelConsent(
            input.Status,
            input.Status == ConsentStatus.None ? null : input.Basis ?? previous?.Basis ?? LawfulBasis.Consent,
            input.Source ?? source,
            input.ObtainedAt ?? now,
            input.ObtainedDirectly,
            input.OptOutOfferedAtCollection);

        // Recording the same consent again (a re-import) keeps when it was first recorded.
        return previous is not null && input.ObtainedAt is null && next with { At = previous.At } == previous ? previous : next;
    }

    private static void ValidateConsent(ConsentInput? consent, string field, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (consent is null)
        {
            return;
        }

        if (consent.Source is { Length: > 200 })
        {
            errors[field + ".source"] = ["At most 200 characters."];
        }

        if (consent.ObtainedAt > now.AddMinutes(5))
        {
            errors[field + ".obtainedAt"] = ["Cannot be in the future."];
        }

        if (consent.Status == ConsentStatus.Granted && consent.Basis == LawfulBasis.CharitableSoftOptIn)
        {
            if (!consent.ObtainedDirectly || !consent.OptOutOfferedAtCollection)
            {
                errors[field + ".basis"] = ["The charitable soft opt-in needs details obtained directly by the charity, with an opt-out offered at collection."];
            }
            else if ((consent.ObtainedAt ?? now) < ChannelConsent.SoftOptInStart)
            {
                errors[field + ".obtainedAt"] = ["The charitable soft opt-in covers details obtained on or after 5 February 2026 only."];
            }
        }
    }
}
