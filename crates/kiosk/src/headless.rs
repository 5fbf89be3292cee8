//! Drawing the kiosk without a display: a Slint platform whose one window is a
//! `MinimalSoftwareWindow` that renders into a pixel buffer. Benchmarks use it to time a scan
//! all the way to a drawn frame; it is the same software renderer the kiosk window uses.

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{PhysicalSize, Rgb8Pixel};
use std::rc::Rc;
use std::time::{Duration, Instant};

struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
    start: Instant,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
    fn duration_since_start(&self) -> Duration {
        self.start.elapsed()
    }
}

/// The installed headless platform and its frame buffer.
pub struct Headless {
    window: Rc<MinimalSoftwareWindow>,
    pixels: Vec<Rgb8Pixel>,
    width: usize,
}

impl Headless {
    /// Installs the platform; call before the first window is created, once per process.
    pub fn install(width: u32, height: u32) -> Result<Headless, slint::PlatformError> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        slint::platform::set_platform(Box::new(HeadlessPlatform {
            window: window.clone(),
            start: Instant::now(),
        }))
        .map_err(|e| slint::PlatformError::Other(e.to_string()))?;
        window.set_size(PhysicalSize::new(width, height));
        Ok(Headless {
            window,
            pixels: vec![Rgb8Pixel::new(0, 0, 0); (width * height) as usize],
            width: width as usize,
        })
    }

    /// Draws what changed since the last frame; false when nothing needed drawing.
    pub fn draw(&mut self) -> bool {
        slint::platform::update_timers_and_animations();
        let (pixels, width) = (&mut self.pixels, self.width);
        self.window.draw_if_needed(|renderer| {
            renderer.render(pixels, width);
        })
    }

    /// Shows the window on this platform, so it can be drawn.
    pub fn show(&self, app: &crate::AppWindow) -> Result<(), slint::PlatformError> {
        slint::ComponentHandle::show(app)
    }

    /// Draws the whole frame.
    pub fn draw_all(&mut self) -> bool {
        self.window.request_redraw();
        self.draw()
    }
}
