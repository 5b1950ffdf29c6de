<#
.SYNOPSIS
  Build the Windows installer of Township Office: the PyInstaller one-folder build,
  its self-test, then setup.exe with Inno Setup 6.

.DESCRIPTION
  Run from a clone, in PowerShell (5.1 or 7), as a normal user:

    powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1 -Font C:\path\wqy-microhei.ttc

  1. `py dev.py setup` (the .venv with the program), unless -Venv names another environment;
  2. pip install the program with its `build` extra (PyInstaller, Pillow);
  3. installer\fetch_font.py: puts WenQuanYi Micro Hei in build\fonts\ (from -Font: the
     .ttc, or the Debian package fonts-wqy-microhei_*.deb; not needed when build\fonts\
     already has it);
  4. PyInstaller (installer\township-office.spec) -> dist\township-office\ with
     township-office.exe (windowed) and township-office-cli.exe (console);
  5. runs both executables' --self-test; stops unless both exit 0;
  6. ISCC (Inno Setup 6.3+) with the version of pyproject.toml ->
     dist\township-office-<version>-setup.exe;
  then prints the time taken and the sizes.

  Needs: 64-bit Python 3.11 (python.org, with the py launcher), Inno Setup 6.3 or newer
  (https://jrsoftware.org/isdl.php, or `winget install JRSoftware.InnoSetup`), and the
  font file (copy it from a Linux build: dist/township-office/_internal/resources/fonts/).
  This file is ASCII on purpose: Windows PowerShell 5.1 reads scripts without a BOM in
  the ANSI code page.

.PARAMETER Font
  wqy-microhei.ttc or fonts-wqy-microhei_*.deb, when build\fonts\wqy-microhei.ttc is missing.
.PARAMETER Venv
  A Python virtual environment to build in (created when missing) instead of .venv.
.PARAMETER Python
  The Python used to create -Venv or .venv (default: the py launcher's Python 3.11).
.PARAMETER Iscc
  Full path of ISCC.exe when Inno Setup is not in one of the usual places.
.PARAMETER SkipSetup
  Stop after the self-test (no setup.exe, no Inno Setup needed).
.PARAMETER Offscreen
  Run the self-test with Qt's offscreen platform (a build machine without a desktop).
#>
[CmdletBinding()]
param(
    [string]$Font = "",
    [string]$Venv = "",
    [string]$Python = "",
    [string]$Iscc = "",
    [switch]$SkipSetup,
    [switch]$Offscreen
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version 3.0
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root
$Clock = [System.Diagnostics.Stopwatch]::StartNew()

function Say([string]$Text) {
    Write-Host ("[build.ps1] {0,5:N0}s {1}" -f $Clock.Elapsed.TotalSeconds, $Text)
}

# Run a program; throw when its exit code is not 0. Native programs' stderr (pip's
# warnings) must not become PowerShell errors, hence "Continue" while they run.
function Invoke-Native {
    param(
        [Parameter(Mandatory = $true)][string]$FilePath,
        [string[]]$ArgumentList = @()
    )
    $saved = $ErrorActionPreference
    $ErrorActionPreference = "Continue"
    try {
        & $FilePath @ArgumentList | Out-Host
        $code = $LASTEXITCODE
    }
    finally {
        $ErrorActionPreference = $saved
    }
    if ($code -ne 0) {
        throw "$FilePath $($ArgumentList -join ' ') failed with exit code $code"
    }
}

function Get-Output {
    param(
        [Parameter(Mandatory = $true)][string]$FilePath,
        [string[]]$ArgumentList = @()
    )
    $out = & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE" }
    return ([string]($out | Select-Object -Last 1)).Trim()
}

function Find-Python {
    if ($Python) { return @($Python) }
    if (Get-Command py -ErrorAction SilentlyContinue) { return @("py", "-3.11") }
    if (Get-Command python -ErrorAction SilentlyContinue) { return @("python") }
    throw "Python 3.11 not found: install it from python.org (with the py launcher) or pass -Python C:\path\python.exe"
}

function Find-Iscc {
    if ($Iscc) {
        if (-not (Test-Path $Iscc)) { throw "ISCC.exe not found at $Iscc" }
        return $Iscc
    }
    $onPath = Get-Command iscc.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    $candidates = @(
        (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
    )
    foreach ($candidate in $candidates) {
        if ($candidate -and (Test-Path $candidate)) { return $candidate }
    }
    throw "Inno Setup 6 (ISCC.exe) not found: install it (winget install JRSoftware.InnoSetup) or pass -Iscc C:\path\ISCC.exe"
}

function Get-FolderBytes([string]$Path) {
    return (Get-ChildItem -LiteralPath $Path -Recurse -File | Measure-Object -Property Length -Sum).Sum
}

function Format-MiB([double]$Bytes) {
    return "{0:N1} MiB" -f ($Bytes / 1MB)
}

# ---- 1-2: the build environment ------------------------------------------------------
$py = @(Find-Python)  # @(): a one-element array must not collapse into a string
$pyExe = $py[0]
$pyArgs = @()
if ($py.Count -gt 1) { $pyArgs = @($py[1..($py.Count - 1)]) }
if (-not $Venv) {
    Say "dev.py setup (.venv)"
    Invoke-Native $pyExe ($pyArgs + @("dev.py", "setup"))
    $VenvPython = Join-Path $Root ".venv\Scripts\python.exe"
    Say "pip install -e .[build]"
    Invoke-Native $VenvPython @("-m", "pip", "install", "-q", "-e", ".[build]")
}
else {
    $VenvPython = Join-Path $Venv "Scripts\python.exe"
    if (-not (Test-Path $VenvPython)) {
        Say "creating $Venv"
        Invoke-Native $pyExe ($pyArgs + @("-m", "venv", $Venv))
        Invoke-Native $VenvPython @("-m", "pip", "install", "-q", "--upgrade", "pip")
    }
    Say "pip install .[build] into $Venv"
    Invoke-Native $VenvPython @("-m", "pip", "install", "-q", ".[build]")
}
$Version = Get-Output $VenvPython @("installer\buildinfo.py", "version")
$NumericVersion = Get-Output $VenvPython @("installer\buildinfo.py", "winversion")
$SetupName = Get-Output $VenvPython @("installer\buildinfo.py", "setup")
Say "township-office $Version ($NumericVersion)"

# ---- 3-4: font and PyInstaller ---------------------------------------------------------
Say "fetching the font"
$fontArgs = @("installer\fetch_font.py")
if ($Font) { $fontArgs += @("--from", $Font) }
Invoke-Native $VenvPython $fontArgs

Say "PyInstaller"
$Bundle = Join-Path $Root "dist\township-office"
if (Test-Path $Bundle) { Remove-Item -LiteralPath $Bundle -Recurse -Force }
Invoke-Native $VenvPython @(
    "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", "dist", "--workpath", "build\pyinstaller", "installer\township-office.spec"
)
foreach ($exe in @("township-office.exe", "township-office-cli.exe")) {
    if (-not (Test-Path (Join-Path $Bundle $exe))) { throw "PyInstaller did not make $exe" }
}

# ---- 5: self-test of both executables ----------------------------------------------------
$savedPlatform = $env:QT_QPA_PLATFORM
if ($Offscreen) { $env:QT_QPA_PLATFORM = "offscreen" }
try {
    Say "self-test: township-office-cli.exe --self-test"
    Invoke-Native (Join-Path $Bundle "township-office-cli.exe") @("--self-test")
    Say "self-test: township-office.exe --self-test (windowed: exit code only)"
    $gui = Start-Process -FilePath (Join-Path $Bundle "township-office.exe") `
        -ArgumentList "--self-test" -Wait -PassThru
    if ($gui.ExitCode -ne 0) { throw "township-office.exe --self-test failed with exit code $($gui.ExitCode)" }
    Invoke-Native (Join-Path $Bundle "township-office-cli.exe") @("--version")
}
finally {
    $env:QT_QPA_PLATFORM = $savedPlatform
}

# ---- 6: setup.exe ------------------------------------------------------------------------------
$Setup = Join-Path $Root "dist\$SetupName"
if (-not $SkipSetup) {
    $isccExe = Find-Iscc
    Say "Inno Setup: $isccExe"
    if (Test-Path $Setup) { Remove-Item -LiteralPath $Setup -Force }
    Invoke-Native $isccExe @(
        "/Q",
        "/DAppVersion=$Version",
        "/DAppVersionNumeric=$NumericVersion",
        "/DSourceDir=$Bundle",
        "/DOutputDir=$(Join-Path $Root 'dist')",
        (Join-Path $Root "installer\windows\township-office.iss")
    )
    if (-not (Test-Path $Setup)) { throw "Inno Setup did not write $Setup" }
    $hash = (Get-FileHash -Algorithm SHA256 -LiteralPath $Setup).Hash.ToLower()
    Set-Content -LiteralPath "$Setup.sha256" -Value "$hash  $SetupName" -Encoding ascii
}

$Clock.Stop()
$elapsed = $Clock.Elapsed
Say ("done in {0:N0} s ({1} min {2} s)" -f $elapsed.TotalSeconds, [int][math]::Floor($elapsed.TotalMinutes), $elapsed.Seconds)
Say ("folder  {0}: {1}, {2} files" -f $Bundle, (Format-MiB (Get-FolderBytes $Bundle)), (Get-ChildItem -LiteralPath $Bundle -Recurse -File).Count)
if (-not $SkipSetup) {
    Say ("setup   {0}: {1}" -f $Setup, (Format-MiB (Get-Item -LiteralPath $Setup).Length))
}
