; Inno Setup 6 script: the Windows setup.exe of 乡镇驻村工作台 (Township Office).
;
; Built by installer\windows\build.ps1, which first makes the PyInstaller one-folder
; build (dist\township-office\) and then runs, with the version of pyproject.toml:
;
;   ISCC.exe /DAppVersion=x.y.z /DAppVersionNumeric=x.y.z.0 ^
;            /DSourceDir=<repo>\dist\township-office /DOutputDir=<repo>\dist ^
;            installer\windows\township-office.iss
;
; -> dist\township-office-<version>-setup.exe
;
; * Per-user install, no administrator rights: PrivilegesRequired=lowest, into
;   %LOCALAPPDATA%\Programs\township-office; Start-menu shortcut; desktop shortcut as an
;   optional task (checked by default).
; * The user's data are NOT in the program folder: the program keeps its database and
;   backups in %APPDATA%\township-office (app/paths.py, Qt's AppDataLocation). Nothing
;   here installs into, or deletes from, that folder; the uninstaller says so.
; * Saved as UTF-8 with a byte-order mark (Inno Setup needs it for the Chinese text).

#if VER < EncodeVer(6,3,0)
  #error Inno Setup 6.3 or newer is needed (x64compatible)
#endif
#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=x.y.z (build.ps1 reads it from pyproject.toml)
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric "0.0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir AddBackslash(SourcePath) + "..\..\dist\township-office"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\..\dist"
#endif

#define AppName "乡镇驻村工作台"
#define AppShortName "township-office"
#define AppExe "township-office.exe"
#define DataFolder "township-office"

#ifnexist AddBackslash(SourceDir) + AppExe
  #error The PyInstaller build is missing: run installer\windows\build.ps1 (no township-office.exe in SourceDir)
#endif

[Setup]
AppId={{B4D83F92-ABF0-4191-9055-E007CE68F0A1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Township Office
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
; per user, never elevated (and no dialog offering to elevate): no UAC prompt,
; nothing outside the user's profile
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppShortName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename={#AppShortName}-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\township-office.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
; Inno Setup ships ChineseSimplified.isl with its newer releases (older ones had it among
; the unofficial translations: put a copy next to this script then). Without it the
; wizard's own buttons are in English; every message below stays Chinese.
#ifexist AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl"
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
  #ifexist AddBackslash(SourcePath) + "ChineseSimplified.isl"
Name: "zh"; MessagesFile: "ChineseSimplified.isl"
  #else
    #pragma warning "ChineseSimplified.isl not found: the wizard's buttons will be in English"
Name: "zh"; MessagesFile: "compiler:Default.isl"
  #endif
#endif

[Messages]
ConfirmUninstall=确定要卸载 %1 吗？%n%n只删除程序文件。您的数据（数据库、备份）保存在用户的 AppData\Roaming\township-office 文件夹中，卸载后保留，不会删除。

[CustomMessages]
CreateDesktopIcon=在桌面上创建快捷方式(&D)
AdditionalIcons=快捷方式：
LaunchApp=运行 {#AppName}
DataKept=您的数据没有删除，仍在：%n%1%n%n如确实不再需要，可以在备份后自行删除该文件夹。
NotInDataFolder=不能安装到数据文件夹 %1 中，请选择其他位置。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; the previous version's libraries: a new build must not run with stale ones
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "村情户情档案、驻村干部值班、补助发放与考核"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] and no [Registry]/[Dirs] entries: the uninstaller removes only what
; this setup installed, so %APPDATA%\township-office (the user's data) always stays.

[Code]
function DataDir(): String;
begin
  Result := ExpandConstant('{userappdata}\{#DataFolder}');
end;

function IsInside(const Path, Folder: String): Boolean;
var
  P, F: String;
begin
  P := AddBackslash(Lowercase(ExpandFileName(Path)));
  F := AddBackslash(Lowercase(ExpandFileName(Folder)));
  Result := Copy(P, 1, Length(F)) = F;
end;

function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if (CurPageID = wpSelectDir) and IsInside(WizardDirValue(), DataDir()) then
  begin
    MsgBox(FmtMessage(CustomMessage('NotInDataFolder'), [DataDir()]), mbError, MB_OK);
    Result := False;
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and DirExists(DataDir()) and not UninstallSilent() then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [DataDir()]), mbInformation, MB_OK);
end;
