using System.Globalization;
using System.Text.Json.Nodes;

namespace Alerts.Fakes;

/// <summary>
/// CONSTRUCTED scenarios. Each starts from the real recorded bill 2818 (tests/fixtures/parliament:
/// snommoc_bill-2818_detail_modified.json and snommoc_bill-2818_stages.json: 1st reading with one sitting,
/// 2nd reading current with no sittings) and then adds stages, sittings, titles and flags in exactly the
/// shapes those files and uklegalmcp_bills_list_BillIds_6_bills.json show (e.g. Royal Assent as stageId 11,
/// house "Unassigned", isAct true, title "… Act YYYY"). The later stages and dates are invented.
/// </summary>
public sealed class BillScenario
{
    private readonly JsonObject _bill;
    private readonly JsonArray _stages;

    // Parliament's lastUpdate is wall-clock time; one clock for every scenario keeps it moving forward across bills.
    private static long _clockTicks = new DateTime(2026, 1, 5, 9, 0, 0).Ticks;

    private BillScenario(int billId)
    {
        _bill = JsonNode.Parse(File.ReadAllText(FakeBillsApi.Fixture("snommoc_bill-2818_detail_modified.json")))!.AsObject();
        _bill.Remove("comment");
        _stages = JsonNode.Parse(File.ReadAllText(FakeBillsApi.Fixture("snommoc_bill-2818_stages.json")))!["items"]!.AsArray();
        if (billId != 2818)
        {
            // Same shapes under another id, so several bills can be watched at once.
            _bill["billId"] = billId;
            _bill["shortTitle"] = $"Scenario {billId} Bill";
            foreach (JsonNode? stage in _stages)
            {
                stage!["id"] = billId * 100 + stage["sortOrder"]!.GetValue<int>();
                foreach (JsonNode? sitting in stage["stageSittings"]!.AsArray())
                {
                    sitting!["billId"] = billId;
                    sitting["billStageId"] = stage["id"]!.GetValue<int>();
                    sitting["id"] = billId * 1000 + stage["sortOrder"]!.GetValue<int>() * 10;
                }
            }

            SetCurrent(_stages[^1]!["id"]!.GetValue<int>());
        }
    }

    public int BillId => _bill["billId"]!.GetValue<int>();

    public static BillScenario Recorded(int billId = 2818) => new(billId);

    public BillScenario AddStage(int billStageId, int stageTypeId, string description, string abbreviation, string house)
    {
        _stages.Add(new JsonObject
        {
            ["id"] = billStageId, ["stageId"] = stageTypeId, ["sessionId"] = 35, ["description"] = description,
            ["abbreviation"] = abbreviation, ["house"] = house, ["stageSittings"] = new JsonArray(),
            ["sortOrder"] = _stages.Count + 1,
        });
        return Touch();
    }

    public BillScenario SetCurrent(int billStageId, string? currentHouse = null)
    {
        _bill["currentStage"] = Stage(billStageId).DeepClone();
        if (currentHouse is not null)
        {
            _bill["currentHouse"] = currentHouse;
        }

        return Touch();
    }

    public BillScenario AddSitting(int billStageId, int sittingId, DateTime date)
    {
        JsonObject stage = Stage(billStageId);
        stage["stageSittings"]!.AsArray().Add(new JsonObject
        {
            ["id"] = sittingId, ["stageId"] = stage["stageId"]!.GetValue<int>(), ["billStageId"] = billStageId,
            ["billId"] = BillId, ["date"] = date.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        });
        return RefreshCurrent();
    }

    public BillScenario MoveSitting(int sittingId, DateTime date)
    {
        JsonObject sitting = _stages.SelectMany(s => s!["stageSittings"]!.AsArray()).Single(x => x!["id"]!.GetValue<int>() == sittingId)!.AsObject();
        sitting["date"] = date.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        return RefreshCurrent();
    }

    public BillScenario RoyalAssent(int billStageId, int sittingId, DateTime date, string actTitle)
    {
        AddStage(billStageId, 11, "Royal Assent", "RA", "Unassigned");
        AddSitting(billStageId, sittingId, date);
        _bill["shortTitle"] = actTitle;
        _bill["formerShortTitle"] = "";
        _bill["isAct"] = true;
        return SetCurrent(billStageId, "Unassigned");
    }

    public BillScenario Retitle(string shortTitle)
    {
        _bill["shortTitle"] = shortTitle;
        return Touch();
    }

    public BillScenario Withdraw(DateTime date)
    {
        _bill["billWithdrawn"] = date.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        return Touch();
    }

    public BillScenario Defeat()
    {
        _bill["isDefeated"] = true;
        return Touch();
    }

    public void ServeOn(FakeBillsApi api) => api.SetBill(_bill, _stages);

    private JsonObject Stage(int billStageId) =>
        _stages.Single(s => s!["id"]!.GetValue<int>() == billStageId)!.AsObject();

    private BillScenario RefreshCurrent() =>
        SetCurrent(_bill["currentStage"]!["id"]!.GetValue<int>());

    private BillScenario Touch()
    {
        var lastUpdate = new DateTime(Interlocked.Add(ref _clockTicks, TimeSpan.TicksPerMinute));
        _bill["lastUpdate"] = lastUpdate.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture);
        return this;
    }
}
