"""Local emulator of the Google APIs MyMeIn uses (Sheets v4, Drive v3, Blogger v3, OAuth token), over real HTTP."""
