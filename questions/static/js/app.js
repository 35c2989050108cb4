// interviewprep — small progressive enhancements. The app works without this file.
(function () {
  "use strict";
})();
