//! The PC's own sound after a scan is committed: a short high tone for a good scan, two low
//! buzzes for a refusal or an alarm. It matters most for keyboard-wedge scanners, which beep
//! when they read, not when the ledger has the scan. Played through whichever player the PC
//! has (PipeWire, PulseAudio or ALSA); with none, or no sound card, the kiosk stays silent
//! and the screen's flash is the feedback.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const RATE: u32 = 16_000;

/// Players tried in order, with the arguments that make them quiet on the terminal.
const PLAYERS: [(&str, &[&str]); 3] = [("pw-play", &[]), ("paplay", &[]), ("aplay", &["-q"])];

/// A mono 16-bit PCM WAV of the given (frequency Hz, milliseconds) parts; frequency 0 is a rest.
pub fn tone_wav(parts: &[(f32, u32)]) -> Vec<u8> {
    let mut samples: Vec<i16> = Vec::new();
    for &(freq, ms) in parts {
        let n = RATE * ms / 1000;
        for i in 0..n {
            let t = i as f32 / RATE as f32;
            // A 5 ms fade in and out keeps the tone from clicking.
            let edge = (i.min(n - 1 - i) as f32 / (RATE as f32 * 0.005)).min(1.0);
            let v = if freq > 0.0 {
                (2.0 * std::f32::consts::PI * freq * t).sin() * 0.4 * edge
            } else {
                0.0
            };
            samples.push((v * i16::MAX as f32) as i16);
        }
    }
    let data_len = (samples.len() * 2) as u32;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    wav.extend_from_slice(&2u16.to_le_bytes()); // block align
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        wav.extend_from_slice(&s.to_le_bytes());
    }
    wav
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The kiosk's speaker. Silent when there is no player or the tones could not be written.
pub struct Sound {
    player: Option<(PathBuf, Vec<String>)>,
    good: PathBuf,
    bad: PathBuf,
    pub enabled: bool,
}

impl Sound {
    /// Writes the two tones into `dir` and finds a player on the PATH.
    pub fn new(dir: &Path) -> Sound {
        let player = PLAYERS.iter().find_map(|(name, args)| {
            on_path(name).map(|p| (p, args.iter().map(|a| a.to_string()).collect()))
        });
        Self::with_player(dir, player)
    }

    /// With a given player command (for a site's own player, and for tests).
    pub fn with_player(dir: &Path, player: Option<(PathBuf, Vec<String>)>) -> Sound {
        let good = dir.join("custody-good.wav");
        let bad = dir.join("custody-bad.wav");
        let written = std::fs::write(&good, tone_wav(&[(1318.5, 90)])).and_then(|()| {
            std::fs::write(&bad, tone_wav(&[(220.0, 140), (0.0, 60), (220.0, 140)]))
        });
        Sound {
            player: player.filter(|_| written.is_ok()),
            good,
            bad,
            enabled: true,
        }
    }

    pub fn available(&self) -> bool {
        self.player.is_some()
    }

    /// Plays the good or bad tone without waiting for it to finish.
    pub fn play(&self, good: bool) {
        let (Some((player, args)), true) = (&self.player, self.enabled) else {
            return;
        };
        let file = if good { &self.good } else { &self.bad };
        // Not waited for: a missing sound card must not hold up the next scan. The child is
        // reaped by a short-lived thread so no zombie is left behind.
        if let Ok(mut child) = Command::new(player)
            .args(args)
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            std::thread::spawn(move || child.wait());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tones_are_valid_wav_files_of_the_right_length() {
        let wav = tone_wav(&[(220.0, 140), (0.0, 60), (220.0, 140)]);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        let riff_len = u32::from_le_bytes(wav[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff_len + 8, wav.len());
        let data_len = u32::from_le_bytes(wav[40..44].try_into().unwrap()) as usize;
        // 340 ms at 16 kHz, two bytes a sample.
        assert_eq!(data_len, 340 * 16 * 2);
        // The rest in the middle is silent, the tones are not.
        let sample = |i: usize| i16::from_le_bytes([wav[44 + 2 * i], wav[45 + 2 * i]]);
        assert!((0..2240).any(|i| sample(i).abs() > 5000));
        assert!((2240 + 10..3200 - 10).all(|i| sample(i) == 0));
    }

    #[test]
    fn the_player_is_handed_the_good_or_the_bad_tone_and_a_missing_player_is_silence() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("played");
        let script = dir.path().join("player");
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho \"$1\" >> '{}'\n", log.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let sound = Sound::with_player(dir.path(), Some((script, Vec::new())));
        assert!(sound.available());
        sound.play(true);
        sound.play(false);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut played = String::new();
        while std::time::Instant::now() < deadline {
            played = std::fs::read_to_string(&log).unwrap_or_default();
            if played.lines().count() == 2 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let mut lines: Vec<&str> = played.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines.len(), 2, "{played}");
        assert!(lines[0].ends_with("custody-bad.wav") && lines[1].ends_with("custody-good.wav"));
        let silent = Sound::with_player(dir.path(), None);
        assert!(!silent.available());
        silent.play(true); // nothing to run: no error, no panic
    }
}
