// libespeak-ng 1.51 (Debian 12) opens an audio device in espeak_Initialize even for
// AUDIO_OUTPUT_SYNCHRONOUS, where it never plays anything: espeak_ng_InitializeOutput calls
// pcaudiolib's create_audio_device_object, which connects to PulseAudio (and may print
// its errors, or autospawn a server). FunAudio only takes samples from the callback.
//
// Defined in the executable, this function comes before pcaudiolib's in the dynamic
// linker's search, so libespeak-ng gets "no device", which it handles (it plays nothing in
// synchronous mode). Checked with `strace -f -e trace=connect`: no connection is made.
// Later espeak-ng versions create the device only for playback modes.

struct audio_object;

struct audio_object *create_audio_device_object(const char *device, const char *application_name,
                                                const char *description) {
    (void)device;
    (void)application_name;
    (void)description;
    return 0;
}
