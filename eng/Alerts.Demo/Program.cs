using Alerts.Demo;

// eng/demo.sh runs this twice: `fakes` (loopback Parliament and postcodes.io, until stopped) and `seed`
// (supporters and a watched bill, through the staff API like any client).
return args switch
{
    ["fakes", var envFile] => await DemoFakes.RunAsync(envFile),
    ["seed", var url, var key] => await DemoSeed.RunAsync(new Uri(url), key),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Alerts.Demo fakes <env file> | seed <app url> <staff key>");
    return 2;
}
